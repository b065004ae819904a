using Nezha.Driver.Registers;
using Nezha.Verify.Cluster;
using NUnit.Framework;

namespace Nezha.Tests.Cluster;

/// <summary>
/// Small cluster runs on the RTL, every NIC checked frame by frame and register by register against its own
/// golden model (docs/cluster.md).
/// </summary>
[TestFixture]
public class ClusterRunTests
{
    internal static ClusterOptions Small(int fes = 2) => new()
    {
        Fes = fes,
        AclRules = 16,
        ClientHosts = 2,
        ClientVmsPerHost = 4,
        BackgroundUtil = 0.05,
        BackgroundRules = 8,
        Check = true,
        Seed = (ulong)TestContext.CurrentContext.Random.NextULong(),
        RtoUs = 100,
    };

    internal static void AssertModelsAgree(NezhaCluster nc)
    {
        foreach (var n in nc.Nics)
        {
            n.Bench!.CompareCounters();
            n.Bench.AssertClean();
            Assert.That(n.Sim.ProtocolErrors, Is.Zero, $"{n.Name}: {n.Sim.FirstProtocolError}");
        }
    }

    [Test]
    public void ShortAndLongConnectionsThroughTheBeMatchTheModel()
    {
        using var nc = new NezhaCluster(Small());
        nc.StartBackground(0);
        var shorts = new List<TcpClientConn>();
        var longs = new List<TcpClientConn>();
        for (int i = 0; i < 24; i++) nc.C.At((ulong)i * 300, t => shorts.Add(nc.Open(t, false)));
        for (int i = 0; i < 8; i++) nc.C.At(100 + (ulong)i * 500, t => longs.Add(nc.Open(t, true)));
        for (int k = 0; k < 5; k++)
            nc.C.At(20_000 + (ulong)k * 3000, t => { foreach (var c in longs) nc.Endpoint(c.Id).Host.SendData(c, t); });
        nc.C.RunUntil(60_000);

        Assert.That(shorts.Select(c => c.State), Is.All.EqualTo(ClientState.Done));
        Assert.That(longs.Select(c => c.DataAcked), Is.All.EqualTo(5));
        Assert.That(nc.Stats.SynRetransmits + nc.Stats.EstablishedRetransmits, Is.Zero);
        Assert.That(nc.HeavyVm.Closed, Is.EqualTo(24));
        var heavy = nc.Be.Driver.ReadVnicCounters(NezhaCluster.HeavyVnic);
        Assert.That(heavy.NewFlows, Is.EqualTo(32), "one slow-path run per connection, on the BE");
        Assert.That(heavy.SlowCycles, Is.EqualTo(32UL * (16 + 4)), "net-port new flow: scan (rule 15 matches: 17) + insert (3)");
        Assert.That(nc.Sink.Received, Is.GreaterThan(0), "the FEs' background traffic reached the sink");
        Assert.That(nc.C.LatePushes, Is.Zero);
        Assert.That(nc.Nics.Sum(n => n.HostUnclaimed), Is.Zero);
        AssertModelsAgree(nc);
        Assert.That(nc.Be.Bench!.FramesChecked, Is.GreaterThan(24 * 7));
    }

    [Test]
    public void CpsAndFlowsScenariosRunWithoutOffload()
    {
        var o = Small(0) with { Check = false, AclRules = 64 };
        var cps = ClusterScenarios.Cps(o, 0, window: 32, warmup: 20, measure: 100, offload: null);
        TestContext.Out.WriteLine(cps);
        // the BE's slow path is the bottleneck: each connection costs at least its new flow (64 + 4 cycles)
        Assert.That(cps.Cps, Is.LessThan(o.Clock.PerSecond(1, 68)));
        Assert.That(cps.Cps, Is.GreaterThan(o.Clock.PerSecond(1, 68) / 3));
        Assert.That(cps.BeSlowUtil, Is.InRange(0.3, 1.0));
        Assert.That(cps.Failed, Is.Zero);
    }
}
