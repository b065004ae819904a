using Nezha.Common;
using Nezha.Common.Registers;
using Nezha.Verify.Model;
using Nezha.Verify.ModuleBench;
using NUnit.Framework;

namespace Nezha.Tests.Modules;

/// <summary>
/// rtl/acl_engine.v (4 sets x 64 rules) against the model's ACL table: random rule sets written through
/// AclTable.Write and mirrored as NZ_RULE_W-bit rule words behind a 1-cycle-latency read port (garbage on
/// the read data in cycles after no read), random packets; the verdict must equal the model's first-match
/// evaluation and `done` must come exactly k cycles after `start` (k = m+1 for first match m, count for no
/// match, 1 for an empty or out-of-range set), with every read inside the set's first count rules.
/// </summary>
public class AclEngineBench
{
    private const int Sets = 4, Rules = 64, RuleBytes = (151 + 7) / 8;

    // NZ_R_* of rtl/nezha_types.vh
    private const int RValid = 0, RDir = 1, RAllow = 2, RProto = 3, RSrc = 11, RSrcLen = 43, RDst = 49, RDstLen = 81,
        RSpLo = 87, RSpHi = 103, RDpLo = 119, RDpHi = 135;

    private static void Put(byte[] w, int lsb, int width, ulong v)
    {
        for (int i = 0; i < width; i++)
        {
            int b = lsb + i;
            if (((v >> i) & 1) != 0) w[b >> 3] |= (byte)(1 << (b & 7));
            else w[b >> 3] &= (byte)~(1 << (b & 7));
        }
    }

    /// <summary>The rule word of a model rule (prefixes as the model stores them, masked);
    /// <paramref name="lenOver32"/> replaces a length of 32 by 33..63 (the header: "a length > 32 acts as 32").</summary>
    private static byte[] RuleWord(in ModelAclRule r, Random rnd, bool lenOver32)
    {
        var w = new byte[RuleBytes];
        Put(w, RValid, 1, r.Valid ? 1UL : 0);
        Put(w, RDir, 1, (ulong)r.Dir);
        Put(w, RAllow, 1, r.Allow ? 1UL : 0);
        Put(w, RProto, 8, r.Proto);
        Put(w, RSrc, 32, r.Src);
        Put(w, RSrcLen, 6, (ulong)(lenOver32 && r.SrcLen == 32 ? rnd.Next(33, 64) : r.SrcLen));
        Put(w, RDst, 32, r.Dst);
        Put(w, RDstLen, 6, (ulong)(lenOver32 && r.DstLen == 32 ? rnd.Next(33, 64) : r.DstLen));
        Put(w, RSpLo, 16, r.SportLo);
        Put(w, RSpHi, 16, r.SportHi);
        Put(w, RDpLo, 16, r.DportLo);
        Put(w, RDpHi, 16, r.DportHi);
        return w;
    }

    private static readonly ushort[] PortPool = { 0, 1, 22, 53, 80, 443, 1023, 1024, 8080, 49152, 65534, 65535 };
    private static readonly byte[] ProtoPool = { 1, 6, 6, 17, 17, 47, 0, 132 };

    /// <summary>Addresses from a small space (10.a.b.c, a, b in 0..3, c in 0..15) so prefixes do match.</summary>
    private static uint Addr(Random r) => r.Next(10) == 0 ? (uint)r.NextInt64() : 0x0A000000u | (uint)r.Next(4) << 16 | (uint)r.Next(4) << 8 | (uint)r.Next(16);

    private static ushort Port(Random r) => r.Next(4) == 0 ? (ushort)r.Next(65536) : PortPool[r.Next(PortPool.Length)];

    private static (ushort Lo, ushort Hi) Range(Random r)
    {
        switch (r.Next(5))
        {
            case 0:
            case 1:
                return (0, 65535);
            case 2:
            {
                ushort p = Port(r);
                return (p, p);
            }
            default:
            {
                int a = Port(r) + r.Next(-3, 4), b = Port(r) + r.Next(-3, 4);
                a = Math.Clamp(a, 0, 65535); b = Math.Clamp(b, 0, 65535);
                return ((ushort)Math.Min(a, b), (ushort)Math.Max(a, b));
            }
        }
    }

    private static int Len(Random r) => r.Next(6) switch { 0 => 0, 1 => 32, 2 => 8, 3 => 16, 4 => 24, _ => r.Next(33) };

    private static uint[] RandomRuleData(Random r)
    {
        var d = new uint[5];
        var (sl, sh) = Range(r);
        var (dl, dh) = Range(r);
        NezhaFields.ACL_TABLE_VALID.Set(d, r.Next(8) == 0 ? 0u : 1u);
        NezhaFields.ACL_TABLE_DIR.Set(d, (uint)r.Next(2));
        NezhaFields.ACL_TABLE_ALLOW.Set(d, (uint)r.Next(2));
        NezhaFields.ACL_TABLE_PROTO.Set(d, r.Next(3) == 0 ? 0u : r.Next(8) == 0 ? (uint)r.Next(256) : ProtoPool[r.Next(ProtoPool.Length)]);
        NezhaFields.ACL_TABLE_SRC_LEN.Set(d, (uint)Len(r));
        NezhaFields.ACL_TABLE_DST_LEN.Set(d, (uint)Len(r));
        NezhaFields.ACL_TABLE_SRC.Set(d, Addr(r) ^ (r.Next(3) == 0 ? (uint)r.Next(1 << 8) : 0u));  // unmasked host bits: the table masks
        NezhaFields.ACL_TABLE_DST.Set(d, Addr(r));
        NezhaFields.ACL_TABLE_SPORT_LO.Set(d, sl);
        NezhaFields.ACL_TABLE_SPORT_HI.Set(d, sh);
        NezhaFields.ACL_TABLE_DPORT_LO.Set(d, dl);
        NezhaFields.ACL_TABLE_DPORT_HI.Set(d, dh);
        return d;
    }

    private static int RuleCount(Random r) => r.Next(8) switch { 0 => 0, 1 => 1, 2 => Rules, 3 => Rules - 1, _ => r.Next(Rules + 1) };

    [Test]
    public void FirstMatchVerdictAndLatencyAgreeWithTheModel()
    {
        using var m = new ModuleSim("acl_engine_4x64");
        var p = NicParams.W64 with { AclSets = Sets, AclRules = Rules };
        var table = new AclTable(p);
        var anyMatch = new AclTable(p);     // same rules, all allow: Evaluate over the first n rules = "some rule < n matches"
        var words = new byte[Sets * Rules][];
        var rnd = new Random(42);
        var junk = new byte[RuleBytes];
        m.Reset();
        int evals = 0, allows = 0, empties = 0, noMatch = 0, rulesWritten = 0;
        long cycles = 0;
        var failures = new List<string>();

        void Junk()
        {
            rnd.NextBytes(junk);
            m.SetBytes("acl_rd_data", junk);
        }

        for (int round = 0; round < 60 && failures.Count == 0; round++)
        {
            // ---- new rule sets: every slot written (rules past count must be ignored)
            ulong counts = 0;
            for (int s = 0; s < Sets; s++)
            {
                int cnt = RuleCount(rnd);
                table.SetSetCount(s, cnt);
                anyMatch.SetSetCount(s, cnt);
                counts |= (ulong)cnt << (9 * s);
                for (int i = 0; i < Rules; i++)
                {
                    int idx = s * Rules + i;
                    var d = RandomRuleData(rnd);
                    Assert.That(table.Write((uint)idx, d), Is.EqualTo(TableStatus.Ok));
                    NezhaFields.ACL_TABLE_ALLOW.Set(d, 1);
                    Assert.That(anyMatch.Write((uint)idx, d), Is.EqualTo(TableStatus.Ok));
                    words[idx] = RuleWord(table[idx], rnd, rnd.Next(16) == 0);
                    rulesWritten++;
                }
            }
            m.Set("acl_count", counts);

            // ---- evaluations
            for (int q = 0; q < 200; q++)
            {
                int set = rnd.Next(25) == 0 ? rnd.Next(Sets, 256) : rnd.Next(Sets);
                int dir = rnd.Next(2);
                byte proto = rnd.Next(10) == 0 ? (byte)rnd.Next(256) : ProtoPool[rnd.Next(ProtoPool.Length)];
                uint sip = Addr(rnd), dip = Addr(rnd);
                ushort sport = Port(rnd), dport = Port(rnd);

                bool expAllow;
                int expK, cnt = set < Sets ? table.SetCount(set) : 0;
                if (cnt == 0)
                {
                    expAllow = false;
                    expK = 1;
                    empties++;
                }
                else
                {
                    expAllow = table.Evaluate(set, dir, proto, sip, dip, sport, dport);
                    // first match m: the smallest n with a match among rules [0, n), minus one (binary search)
                    int lo = 1, hi = cnt + 1;
                    while (lo < hi)
                    {
                        int mid = (lo + hi) / 2;
                        anyMatch.SetSetCount(set, mid);
                        if (anyMatch.Evaluate(set, dir, proto, sip, dip, sport, dport)) hi = mid; else lo = mid + 1;
                    }
                    anyMatch.SetSetCount(set, cnt);
                    expK = lo <= cnt ? lo : cnt;        // lo - 1 = first match m -> m + 1; none -> count
                    if (lo > cnt) noMatch++;
                }
                string what = $"round {round} eval {q}: set {set} (count {cnt}) dir {dir} proto {proto} {sip:X8}:{sport} -> {dip:X8}:{dport}";

                // idle gap with garbage on every input the engine must not look at
                for (int g = rnd.Next(3); g > 0; g--)
                {
                    m.Set("start", 0);
                    m.Set("acl_set", (ulong)rnd.Next(256)); m.Set("dir", (ulong)rnd.Next(2)); m.Set("proto", (ulong)rnd.Next(256));
                    m.Set("sip", (ulong)rnd.NextInt64()); m.Set("dport", (ulong)rnd.Next(65536));
                    Junk();
                    m.Eval();
                    if (m.GetBool("done")) failures.Add($"{what}: done while idle");
                    m.Tick();
                    cycles++;
                }

                // start cycle
                m.Set("start", 1);
                m.Set("acl_set", (ulong)set); m.Set("dir", (ulong)dir); m.Set("proto", proto);
                m.Set("sip", sip); m.Set("dip", dip); m.Set("sport", sport); m.Set("dport", dport);
                Junk();
                m.Eval();
                if (m.GetBool("done")) failures.Add($"{what}: done in the start cycle");
                int rdAddr = m.GetBool("acl_rd_en") ? (int)m.Get("acl_rd_addr") : -1;
                m.Tick();
                cycles++;
                m.Set("start", 0);
                m.Set("acl_set", (ulong)rnd.Next(256)); m.Set("dir", (ulong)rnd.Next(2));   // only sampled with start

                int k = 1;
                for (; k <= Rules + 2; k++)
                {
                    if (rdAddr >= 0)
                    {
                        if (set >= Sets || rdAddr < set * Rules || rdAddr >= set * Rules + cnt)
                        {
                            failures.Add($"{what}: read of address {rdAddr} outside the set's rules");
                            break;
                        }
                        m.SetBytes("acl_rd_data", words[rdAddr]);
                    }
                    else Junk();
                    m.Eval();
                    if (m.GetBool("done"))
                    {
                        bool allow = m.GetBool("allow");
                        if (allow != expAllow) failures.Add($"{what}: allow {allow}, model {expAllow}");
                        if (k != expK) failures.Add($"{what}: done after {k} cycles, expected {expK}");
                        break;
                    }
                    if (m.GetBool("allow")) failures.Add($"{what}: allow without done in cycle {k}");
                    rdAddr = m.GetBool("acl_rd_en") ? (int)m.Get("acl_rd_addr") : -1;
                    m.Tick();
                    cycles++;
                }
                if (k > Rules + 2) failures.Add($"{what}: no done within {Rules + 2} cycles (expected {expK})");
                m.Tick();           // the done cycle ends
                cycles++;
                evals++;
                if (expAllow) allows++;
                if (failures.Count > 20) break;
            }
        }
        TestContext.Out.WriteLine($"{rulesWritten} rules written, {evals} evaluations ({allows} allow, {noMatch} no match, " +
                                  $"{empties} empty/out-of-range set), {cycles} cycles");
        foreach (var f in failures.Take(20)) TestContext.Out.WriteLine(f);
        Assert.That(failures, Is.Empty);
        Assert.That(allows, Is.GreaterThan(evals / 10), "the random rules must allow a fair share of packets");
        Assert.That(evals - allows - noMatch - empties, Is.GreaterThan(evals / 10), "and deny by rule a fair share");
    }
}
