using Nezha.Driver;
using Nezha.Common.Registers;
using Nezha.Verify.Model;
using Nezha.Verify.Sim;
using Nezha.Verify.Testbench;
using NUnit.Framework;

namespace Nezha.Tests.EndToEnd;

/// <summary>Base of the end-to-end fixtures: a fresh RTL + model pair programmed with the standard topology.</summary>
public abstract class BenchFixture
{
    protected BenchFixture(SimConfig config) => Config = config;

    protected SimConfig Config { get; }
    protected NicBench B = null!;
    protected Topology T = null!;
    protected NicInfo Info = null!;

    protected virtual Topology MakeTopology() => new();

    [SetUp]
    public void SetUpBench()
    {
        B = new NicBench(Config, seed: (ulong)TestContext.CurrentContext.Random.NextULong());
        Info = B.Driver.Discover();
        T = MakeTopology();
        T.Program(B.Driver, Info);
        B.AssertClean();
    }

    [TearDown]
    public void TearDownBench() => B?.Dispose();

    /// <summary>Drains, compares every counter with the model and fails on any mismatch.</summary>
    protected void CheckAll()
    {
        B.Drain();
        B.CompareCounters();
        B.AssertClean();
    }

    /// <summary>Sends one frame, drains, and returns the model's verdict for it (the RTL output was compared).</summary>
    protected ModelVerdict One(int port, byte[] frame, uint tuser = 0)
    {
        int before = B.Retired.Count;
        B.Send(port, frame, tuser);
        B.Drain();
        B.AssertClean();
        Assert.That(B.Retired.Count, Is.EqualTo(before + 1), "the NIC retired exactly one frame");
        return B.Retired[^1].Verdict;
    }

    protected ModelVerdict FromVm(LocalVm vm, byte[] frame) => One(NicBench.Host, frame, B.TUser(vm.Vnic));

    protected ModelVerdict FromNet(byte[] frame) => One(NicBench.Net, frame);

    protected ulong Stat(StatIndex i) => B.Driver.ReadStat(i);
}
