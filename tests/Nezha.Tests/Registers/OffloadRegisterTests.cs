using Nezha.Driver;
using Nezha.Common.Registers;
using Nezha.Verify.Sim;
using Nezha.Verify.Testbench;
using NUnit.Framework;

namespace Nezha.Tests.Registers;

/// <summary>
/// The OFFLOAD and FE_GROUP blocks (docs/nezha-offload.md section 6) at every width: reset values, write and
/// read-back, every refusal (SLVERR, STATUS BAD_VALUE / BAD_INDEX, nothing changed), the read-only ALIVE
/// field and ALIVE_ALL register. Every access also goes to the model (MirrorTransport); the asserts pin the
/// expected answers.
/// </summary>
[TestFixture(SimConfig.W8)]
[TestFixture(SimConfig.W64)]
[TestFixture(SimConfig.W512)]
public class OffloadRegisterTests
{
    private readonly SimConfig _config;
    private NicBench _b = null!;
    private const RegResp Ok = RegResp.Okay, Err = RegResp.SlvErr;

    public OffloadRegisterTests(SimConfig config) => _config = config;

    [SetUp] public void SetUp() => _b = new NicBench(_config);
    [TearDown] public void TearDown() => _b.Dispose();

    private RegResp W(uint a, uint d) => _b.Bus.Write32(a, d);
    private uint R(uint a) { Assert.That(_b.Bus.Read32(a, out uint d), Is.EqualTo(Ok), $"read 0x{a:X4}"); return d; }

    private RegResp Cmd(uint tbl, uint index, uint cmd, params uint[] data)
    {
        for (int i = 0; i < data.Length; i++) Assert.That(W(tbl + NezhaRegs.TBL_DATA + 4u * (uint)i, data[i]), Is.EqualTo(Ok));
        Assert.That(W(tbl + NezhaRegs.TBL_INDEX, index), Is.EqualTo(Ok));
        return W(tbl + NezhaRegs.TBL_CMD, cmd);
    }

    private uint[] ReadEntry(uint tbl, uint index, int words)
    {
        Assert.That(Cmd(tbl, index, 2), Is.EqualTo(Ok));
        return Enumerable.Range(0, words).Select(i => R(tbl + NezhaRegs.TBL_DATA + 4u * (uint)i)).ToArray();
    }

    private static uint Ol(uint mode, uint group, uint version, uint beVnic) => mode | group << 8 | version << 16 | beVnic << 24;

    [Test]
    public void OffloadEntriesWriteReadAndRefuseBadValues()
    {
        uint t = NezhaRegs.OFFLOAD_BASE;
        Assert.That(R(t + NezhaRegs.BLK_TYPE), Is.EqualTo(NezhaRegs.OFFLOAD_TYPE));
        Assert.That(R(t + NezhaRegs.TBL_ENTRIES), Is.EqualTo((uint)_b.Params.NVnic));
        Assert.That(ReadEntry(t, 1, 2), Is.EqualTo(new uint[] { 0, 0 }), "reset: LOCAL");
        Assert.That(Cmd(t, 1, 1, Ol(2, 3, 7, 200), 0xC0A86401), Is.EqualTo(Ok));
        Assert.That(R(t + NezhaRegs.TBL_STATUS), Is.EqualTo(0u));
        Assert.That(ReadEntry(t, 1, 2), Is.EqualTo(new uint[] { Ol(2, 3, 7, 200), 0xC0A86401 }));
        // MODE 3 is DRAIN (accepted); GROUP >= N_GROUPS: BAD_VALUE, nothing changed; INDEX >= N_VNIC: BAD_INDEX
        Assert.That(Cmd(t, 2, 1, Ol(3, 1, 4, 0), 0), Is.EqualTo(Ok));
        Assert.That(ReadEntry(t, 2, 2), Is.EqualTo(new uint[] { Ol(3, 1, 4, 0), 0 }));
        Assert.That(Cmd(t, 1, 1, Ol(1, 4, 1, 0), 1), Is.EqualTo(Err));
        Assert.That(R(t + NezhaRegs.TBL_STATUS), Is.EqualTo((uint)TableStatus.BadValue));
        Assert.That(Cmd(t, (uint)_b.Params.NVnic, 1, Ol(1, 0, 1, 0), 1), Is.EqualTo(Err));
        Assert.That(R(t + NezhaRegs.TBL_STATUS), Is.EqualTo((uint)TableStatus.BadIndex));
        Assert.That(ReadEntry(t, 1, 2), Is.EqualTo(new uint[] { Ol(2, 3, 7, 200), 0xC0A86401 }), "unchanged");
        // the driver round-trips the record
        _b.Driver.WriteOffload(0, OffloadEntry.Backend(2, 9));
        Assert.That(_b.Driver.ReadOffload(0), Is.EqualTo(OffloadEntry.Backend(2, 9)));
        _b.Driver.WriteOffload(0, OffloadEntry.Backend(1, 10, compact: true));
        Assert.That(_b.Driver.ReadOffload(0), Is.EqualTo(OffloadEntry.Backend(1, 10, compact: true)), "COMPACT (word 0 bit 2)");
        Assert.That(ReadEntry(t, 0, 2)[0] & 4u, Is.EqualTo(4u));
        Assert.Throws<ArgumentOutOfRangeException>(() => _b.Driver.WriteOffload(0, new OffloadEntry((OffloadMode)4, 0, 0, 0, 0)));
        _b.AssertClean();
    }

    [Test]
    public void FeGroupsWriteReadAliveIsReadOnlyAndTimingRegistersAreChecked()
    {
        uint t = NezhaRegs.FE_GROUP_BASE;
        Assert.That(R(t + NezhaRegs.BLK_TYPE), Is.EqualTo(NezhaRegs.FE_GROUP_TYPE));
        Assert.That(R(t + NezhaRegs.BLK_NEXT), Is.EqualTo(0u), "FE_GROUP is the last block");
        Assert.That(R(NezhaRegs.OFFLOAD_BASE + NezhaRegs.BLK_NEXT), Is.EqualTo(NezhaRegs.FE_GROUP_BASE));
        Assert.That(R(NezhaRegs.SESSION_BASE + NezhaRegs.BLK_NEXT), Is.EqualTo(NezhaRegs.OFFLOAD_BASE));
        Assert.That(R(t + NezhaRegs.TBL_ENTRIES), Is.EqualTo(4u));
        Assert.That(R(NezhaRegs.FE_GROUP_PROBE_INTERVAL), Is.EqualTo(0u));
        Assert.That(R(NezhaRegs.FE_GROUP_PROBE_TIMEOUT), Is.EqualTo(100u));
        Assert.That(R(NezhaRegs.FE_GROUP_ALIVE_ALL), Is.EqualTo(0u));
        // ALIVE in DATA0 is ignored by CMD 1; members 0..COUNT-1 start alive
        Assert.That(Cmd(t, 2, 1, 3u | 0xF00u, 11, 12, 13, 14), Is.EqualTo(Ok));
        Assert.That(ReadEntry(t, 2, 5), Is.EqualTo(new uint[] { 3u | 0x700u, 11, 12, 13, 14 }));
        Assert.That(R(NezhaRegs.FE_GROUP_ALIVE_ALL), Is.EqualTo(0x700u));
        Assert.That(Cmd(t, 2, 1, 5, 1, 2, 3, 4), Is.EqualTo(Err), "COUNT > 4");
        Assert.That(R(t + NezhaRegs.TBL_STATUS), Is.EqualTo((uint)TableStatus.BadValue));
        Assert.That(Cmd(t, 4, 1, 1, 1, 0, 0, 0), Is.EqualTo(Err), "GROUP >= N_GROUPS");
        Assert.That(R(t + NezhaRegs.TBL_STATUS), Is.EqualTo((uint)TableStatus.BadIndex));
        Assert.That(ReadEntry(t, 2, 5), Is.EqualTo(new uint[] { 3u | 0x700u, 11, 12, 13, 14 }), "unchanged");
        Assert.That(W(NezhaRegs.FE_GROUP_ALIVE_ALL, 0xFFFF), Is.EqualTo(Err), "ALIVE_ALL is read-only");
        Assert.That(W(NezhaRegs.FE_GROUP_PROBE_INTERVAL, 0x10000), Is.EqualTo(Err));
        Assert.That(W(NezhaRegs.FE_GROUP_PROBE_TIMEOUT, 0x10000), Is.EqualTo(Err));
        Assert.That(R(NezhaRegs.FE_GROUP_PROBE_TIMEOUT), Is.EqualTo(100u));
        Assert.That(W(NezhaRegs.FE_GROUP_PROBE_TIMEOUT, 0xFFFF), Is.EqualTo(Ok));
        Assert.That(R(NezhaRegs.FE_GROUP_PROBE_TIMEOUT), Is.EqualTo(0xFFFFu));
        Assert.That(_b.Bus.Read32(t + 0x6C, out _), Is.EqualTo(Err), "past ALIVE_ALL");
        // the driver
        _b.Driver.WriteFeGroup(1, FeGroupEntry.Of(0x0A000001, 0x0A000002));
        var v = _b.Driver.ReadFeGroup(1);
        Assert.That((v.Entry, v.AliveMask), Is.EqualTo((FeGroupEntry.Of(0x0A000001, 0x0A000002), 0x3)));
        Assert.That(_b.Driver.ReadFeAlive(), Is.EqualTo(0x730u));
        _b.Driver.SetProbeTiming(10, 30);
        Assert.That(_b.Driver.ReadProbeTiming(), Is.EqualTo(new ProbeTiming(10, 30)));
        Assert.Throws<ArgumentOutOfRangeException>(() => _b.Driver.WriteFeGroup(0, new FeGroupEntry(5, 0, 0, 0, 0)));
        _b.AssertClean();
    }

    /// <summary>
    /// A group write commits between frames and outside a probe round (probe_gen samples the groups probe by
    /// probe). With a round every tick (internal tick) the write's CMD is issued at every cycle offset of the
    /// round period in turn, toggling group 0 between no member and two, so the commit also lands in the cycle
    /// right after a round was taken, when probe_gen has been started but still shows ready. Every round's
    /// probes must be those of the membership the model has at that round (found by the constrained-random
    /// cluster run: a commit in that cycle let the round probe members added after it).
    /// </summary>
    [Test]
    public void AGroupWriteAtEveryCycleOfTheProbePeriodMatchesTheModel()
    {
        uint t = NezhaRegs.FE_GROUP_BASE;
        int probeBeats = (88 * 8 + _b.Params.DataW - 1) / _b.Params.DataW;
        int period = 4 * probeBeats + 40;                   // two probes and room to spare
        Assert.That(W(NezhaRegs.FE_GROUP_PROBE_TIMEOUT, 0xFFFF), Is.EqualTo(Ok));
        Assert.That(W(NezhaRegs.FE_GROUP_PROBE_INTERVAL, 1), Is.EqualTo(Ok));
        Assert.That(W(NezhaRegs.CONFIG_TICK_CYCLES, (uint)period), Is.EqualTo(Ok));
        ulong start = _b.Sim.Cycle;
        for (int d = 0; d < period; d++)
        {
            uint count = (uint)(d & 1) * 2;
            Assert.That(W(t + NezhaRegs.TBL_DATA, count), Is.EqualTo(Ok));
            Assert.That(W(t + NezhaRegs.TBL_DATA + 4, 0x0A000001 + (uint)d), Is.EqualTo(Ok));
            Assert.That(W(t + NezhaRegs.TBL_DATA + 8, 0x0B000001 + (uint)d), Is.EqualTo(Ok));
            Assert.That(W(t + NezhaRegs.TBL_INDEX, 0), Is.EqualTo(Ok));
            // the CMD is issued at phase d of the round period (the phase of the commit follows it)
            _b.Pump((uint)(((ulong)d + 2 * (ulong)period - (_b.Sim.Cycle - start) % (ulong)period) % (ulong)period));
            Assert.That(W(t + NezhaRegs.TBL_CMD, 1), Is.EqualTo(Ok));
        }
        Assert.That(W(NezhaRegs.CONFIG_TICK_CYCLES, 0), Is.EqualTo(Ok));
        _b.Drain();
        Assert.That(_b.ProbeRounds.Count, Is.GreaterThan(period / 2), "rounds were taken throughout");
        Assert.That(_b.Driver.ReadStat(StatIndex.ProbesTx), Is.GreaterThan(0UL));
        _b.CompareCounters();
        _b.AssertClean();
    }

    [Test]
    public void NewCountersExistAndStartAtZero()
    {
        Assert.That(R(NezhaRegs.STATS_NUM_COUNTERS), Is.EqualTo(56u));
        foreach (var s in new[] { StatIndex.CtxSpoof, StatIndex.CtxStale, StatIndex.CtxBad, StatIndex.NzRedirects, StatIndex.NzVerdictsTx,
                                  StatIndex.NzVerdictsRx, StatIndex.NzFallback, StatIndex.ProbesTx, StatIndex.ProbeRepliesTx,
                                  StatIndex.ProbeRepliesRx, StatIndex.FeDown })
            Assert.That(_b.Driver.ReadStat(s), Is.EqualTo(0UL), s.ToString());
        Assert.That(_b.Bus.Read32(NezhaRegs.STATS_COUNTER_BASE + 8 * 56, out _), Is.EqualTo(Err), "past the last counter");
        _b.AssertClean();
    }
}
