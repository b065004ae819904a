using Nezha.Common.Registers;
using Nezha.Verify.Sim;
using Nezha.Verify.Testbench;
using NUnit.Framework;

namespace Nezha.Tests.EndToEnd;

/// <summary>
/// Filling the session table: inserts fail gracefully (the frame is still forwarded, the failure counted),
/// no existing entry is damaged, and the load factor at the first failure is high.
/// </summary>
[TestFixture(SimConfig.W8)]
[TestFixture(SimConfig.W64)]
public class TableFullTests : BenchFixture
{
    public TableFullTests(SimConfig config) : base(config) { }

    [Test]
    public void FullTableStillForwardsAndKeepsExistingFlows()
    {
        var vm = T.Vms[1]; // ACL set 1 allows everything
        int capacity = B.Params.SessCapacity;
        int flows = capacity + capacity / 4;
        double loadAtFirstFailure = -1;
        // random ports: sequential ones would spread perfectly over CRC buckets (CRC is linear) and flatter the table
        var rnd = new Random(17);
        var ports = new HashSet<uint>();
        while (ports.Count < flows) ports.Add((uint)rnd.Next());
        var keys = ports.Select(p => ((ushort)(p >> 16 | 1024), (ushort)p)).ToArray();
        for (int i = 0; i < flows; i++)
        {
            B.SendFromVm(vm.Vnic, T.FromVmUdp(vm, T.Remotes[i % 2].Ip, keys[i].Item1, keys[i].Item2));
            if (loadAtFirstFailure < 0 && i % 8 == 7)
            {
                B.Drain();
                if (B.Model.Stat(StatIndex.SessInsertFail) > 0)
                    loadAtFirstFailure = (double)B.Model.Stat(StatIndex.SessOccupancy) / capacity;
            }
        }
        B.Drain();
        Assert.That(B.Stat(StatIndex.SessInsertFail), Is.GreaterThan(0));
        Assert.That(B.Retired.Count(r => r.Verdict.Output is not null), Is.EqualTo(flows), "every frame was forwarded");

        ulong hitsBefore = B.Stat(StatIndex.SessHits);
        int resend = Math.Min(200, capacity / 2);
        for (int i = 0; i < resend; i++)
            B.SendFromVm(vm.Vnic, T.FromVmUdp(vm, T.Remotes[i % 2].Ip, keys[i].Item1, keys[i].Item2));
        B.Drain();
        Assert.That(B.Stat(StatIndex.SessHits) - hitsBefore, Is.EqualTo((ulong)resend), "early flows survived the full table");
        TestContext.Out.WriteLine($"capacity {capacity}, load factor at first insert failure ~{loadAtFirstFailure:P1}, " +
                                  $"kicks {B.Stat(StatIndex.SessKicks)}, failures {B.Stat(StatIndex.SessInsertFail)}");
        // the 64-entry, 2-way w8 table fills less densely than the 8-way tables (92% with this seed; 75-90% over
        // other seeds in the session-table bench); the 4K-entry w64 table reaches about 98%
        Assert.That(loadAtFirstFailure, Is.GreaterThan(Config == SimConfig.W8 ? 0.75 : 0.95));
        CheckAll();
        if (Config == SimConfig.W8) B.CompareSessionTable();
        B.AssertClean();
    }
}
