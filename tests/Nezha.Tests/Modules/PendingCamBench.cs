using Nezha.Verify.Model;
using Nezha.Verify.ModuleBench;
using NUnit.Framework;

namespace Nezha.Tests.Modules;

/// <summary>
/// rtl/flow/pending_cam.v (pending_cam_4: 4 entries, 2-bit counts; pending_cam_16: 16 entries, 3-bit counts)
/// against <see cref="PendingCamModel"/>, a sequential reference, cycle by cycle: one operation enters the compare
/// stage A per cycle (or a bubble) and is decided in stage B in the next cycle; every output of B (match, follow,
/// alloc, full, idx) is compared in every cycle, and the registered `used` count after every edge. Keys come from a
/// small pool, so that the same key arrives back to back (a follower right behind its leader, which the compare in
/// A cannot see), entries fill up (full on no free entry), counts reach their maximum (full on a follower) and
/// releases hit the entry being followed in the same cycle.
/// </summary>
public class PendingCamBench
{
    [TestCase("pending_cam_4", 4, 2, 20000, 8101)]
    [TestCase("pending_cam_16", 16, 3, 20000, 8202)]
    public void AgreesWithTheReferenceCycleByCycle(string module, int q, int cntW, int cycles, int seed)
    {
        using var m = new ModuleSim(module);
        var rnd = new Random(seed);
        var cam = new PendingCamModel(q, (1 << cntW) - 1);
        var pool = Enumerable.Range(0, q + q / 2 + 2).Select(_ => RandomKey(rnd)).ToArray();
        m.Set("a_valid", 0);
        m.Set("b_follow_ok", 0);
        m.Set("b_lead_ok", 0);
        m.Set("rel_valid", 0);
        m.Reset();
        Assert.That(m.Get("used"), Is.Zero, $"{module}: used after reset");

        (bool Valid, ModelFlowKey Key) inA = (false, default);
        int follows = 0, allocs = 0, fullMatch = 0, fullFree = 0, backToBack = 0, sameCycleRelease = 0, resets = 0;
        ModelFlowKey last = pool[0];
        for (int cyc = 0; cyc < cycles; cyc++)
        {
            if (cyc > 0 && cyc % 7001 == 0)
            {
                // a reset in the middle: every entry free again
                m.Set("a_valid", 0); m.Set("b_follow_ok", 0); m.Set("b_lead_ok", 0); m.Set("rel_valid", 0);
                m.Reset();
                cam.Clear();
                inA = (false, default);
                resets++;
                Assert.That(m.Get("used"), Is.Zero, $"{module}: used after a reset at cycle {cyc}");
            }
            // stage B: the operation that was in A
            var inB = inA;
            bool followOk = inB.Valid && rnd.Next(8) != 0;             // a LOOKUP (else a RELOOKUP: no CAM)
            bool leadOk = followOk && rnd.Next(3) != 0;                 // a miss whose client asked for the slow path
            bool room = rnd.Next(12) != 0;
            m.Set("b_follow_ok", followOk);
            m.Set("b_lead_ok", leadOk);
            m.Set("b_room", room);
            // stage A: the next operation; often the same key as the one before it
            bool aValid = rnd.Next(6) != 0;
            var key = rnd.Next(4) == 0 ? last : pool[rnd.Next(pool.Length)];
            if (aValid && inB.Valid && key == inB.Key) backToBack++;
            m.Set("a_valid", aValid);
            m.SetBig("a_key", SessionBits.Key(key));
            // a release of an entry in use (after the decision of this cycle)
            int rel = -1;
            var inUse = cam.InUse().ToList();
            if (inUse.Count > 0 && rnd.Next(3) == 0) rel = inUse[rnd.Next(inUse.Count)];
            m.Set("rel_valid", rel >= 0);
            m.Set("rel_idx", (ulong)Math.Max(rel, 0));
            m.Eval();

            var d = cam.Decide(inB.Valid, inB.Key, followOk, leadOk, room);
            string ctx = $"{module} cycle {cyc}: key {inB.Key} followOk {followOk} leadOk {leadOk} room {room}, reference {d}";
            Assert.That(m.GetBool("b_match"), Is.EqualTo(d.Match), ctx + ": b_match");
            Assert.That(m.GetBool("b_follow"), Is.EqualTo(d.Follow), ctx + ": b_follow");
            Assert.That(m.GetBool("b_alloc"), Is.EqualTo(d.Alloc), ctx + ": b_alloc");
            Assert.That(m.GetBool("b_full"), Is.EqualTo(d.Full), ctx + ": b_full");
            Assert.That((int)m.Get("b_idx"), Is.EqualTo(d.Idx), ctx + ": b_idx");
            if (d.Follow) follows++;
            if (d.Alloc) allocs++;
            if (d.Full && d.Match) fullMatch++;
            if (d.Full && !d.Match && room) fullFree++;
            if (rel >= 0 && d.Follow && d.Idx == rel) sameCycleRelease++;
            if (rel >= 0) cam.Release(rel);

            m.Tick();
            Assert.That((int)m.Get("used"), Is.EqualTo(cam.InUse().Count()), $"{module} after cycle {cyc}: used");
            inA = (aValid, key);
            if (aValid) last = key;
        }
        TestContext.Progress.WriteLine($"{module}: {cycles} cycles; follows {follows}, allocations {allocs}, full on a follower {fullMatch}, " +
                                       $"full with no free entry {fullFree}, same key back to back {backToBack}, release of the followed entry in its cycle {sameCycleRelease}, resets {resets}");
        Assert.Multiple(() =>
        {
            Assert.That(fullMatch, Is.GreaterThan(0), "no follower found its count at the maximum");
            Assert.That(fullFree, Is.GreaterThan(0), "no leader found the CAM full");
            Assert.That(sameCycleRelease, Is.GreaterThan(0), "no release in the cycle of a follow of the same entry");
            Assert.That(backToBack, Is.GreaterThan(100), "too few back-to-back operations on one key");
        });
    }

    private static ModelFlowKey RandomKey(Random rnd) =>
        ModelFlowKey.Make((uint)rnd.Next(1 << 24), 6, (uint)rnd.Next(), (ushort)rnd.Next(65536), (uint)rnd.Next(), (ushort)rnd.Next(65536), out _);
}

/// <summary>
/// Sequential reference of the pending CAM (docs/pipeline.md 3.1): entries {key, count}, in use while the count is
/// not 0. A follower (the key is in use) increments the count unless it is at its maximum or the slow path has no
/// room (then full); a leader (a miss not in use) takes the lowest free entry with count 1 unless there is none or
/// no room (then full). A release decrements.
/// </summary>
internal sealed class PendingCamModel
{
    private readonly ModelFlowKey[] _key;
    private readonly int[] _cnt;
    private readonly int _max;

    public PendingCamModel(int q, int max)
    {
        _key = new ModelFlowKey[q];
        _cnt = new int[q];
        _max = max;
    }

    public readonly record struct Decision(bool Match, bool Follow, bool Alloc, bool Full, int Idx);

    public void Clear() => Array.Clear(_cnt);

    public IEnumerable<int> InUse() => Enumerable.Range(0, _cnt.Length).Where(i => _cnt[i] > 0);

    public int Count(int i) => _cnt[i];

    public int Find(in ModelFlowKey key)
    {
        for (int i = 0; i < _cnt.Length; i++)
            if (_cnt[i] > 0 && _key[i] == key) return i;
        return -1;
    }

    /// <summary>The decision for an operation (a bubble when <paramref name="valid"/> is false), applied.</summary>
    public Decision Decide(bool valid, in ModelFlowKey key, bool followOk, bool leadOk, bool room)
    {
        int e = valid ? Find(key) : -1;
        if (e >= 0)
        {
            if (!followOk) return new(true, false, false, false, e);
            if (_cnt[e] == _max || !room) return new(true, false, false, true, e);
            _cnt[e]++;
            return new(true, true, false, false, e);
        }
        if (!leadOk) return new(false, false, false, false, 0);
        int f = Array.IndexOf(_cnt, 0);
        if (f < 0 || !room) return new(false, false, false, true, 0);
        _key[f] = key;
        _cnt[f] = 1;
        return new(false, false, true, false, f);
    }

    public void Release(int i)
    {
        if (_cnt[i] > 0) _cnt[i]--;
    }
}
