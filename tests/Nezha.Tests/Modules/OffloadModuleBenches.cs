using System.Buffers.Binary;
using Nezha.Common;
using Nezha.Common.Registers;
using Nezha.Verify.Model;
using Nezha.Verify.ModuleBench;
using NUnit.Framework;

namespace Nezha.Tests.Modules;

/// <summary>
/// The offload modules on their own against the golden model (docs/nezha-offload.md): fe_select against
/// <c>FeGroupTable.Select</c>, fe_group_table cycle by cycle against <c>FeGroupTable</c> (writes, refreshes,
/// rounds) and a reference of its round timer, geneve_ctx_parse against <c>ContextOption.TryParse</c>.
/// </summary>
public class OffloadModuleBenches
{
    [Test]
    public void FeSelectAgreesWithTheModel()
    {
        using var m = new ModuleSim("fe_select");
        var rnd = new Random(5);
        var members = new byte[16];
        for (int i = 0; i < 20000; i++)
        {
            uint hash = (uint)rnd.NextInt64(0, 1L << 32);
            if (i % 7 == 0) hash = (uint)(i % 3 == 0 ? 0xFFFF_FFFF : i % 5 == 0 ? 0x0000_FFFF : 0xFFFF_0000);
            int n = rnd.Next(5);
            uint alive = (uint)rnd.Next(16);
            rnd.NextBytes(members);
            m.Set("hash", hash);
            m.Set("count", (ulong)n);
            m.Set("alive", alive);
            m.SetBytes("members", members);
            m.Eval();
            int exp = FeGroupTable.Select(hash, n, alive & ((1u << n) - 1));
            Assert.That(m.GetBool("found"), Is.EqualTo(exp >= 0), $"hash {hash:X8} n {n} alive {alive:X}");
            if (exp >= 0)
            {
                Assert.That((int)m.Get("idx"), Is.EqualTo(exp), $"hash {hash:X8} n {n} alive {alive:X}");
                Assert.That((uint)m.Get("vtep"), Is.EqualTo(BinaryPrimitives.ReadUInt32LittleEndian(members.AsSpan(4 * exp))));
            }
        }
    }

    [Test]
    public void FeSelectSpreadsEvenlyAndMovesOnlyADeadMembersShare()
    {
        // model-level property of the selection rule (the RTL agrees with it bit for bit, test above)
        var rnd = new Random(9);
        var hashes = Enumerable.Range(0, 40000).Select(_ => (uint)rnd.NextInt64(0, 1L << 32)).ToArray();
        var all = hashes.Select(h => FeGroupTable.Select(h, 4, 0xF)).ToArray();
        for (int f = 0; f < 4; f++)
            Assert.That(all.Count(x => x == f), Is.InRange(9400, 10600), $"share of FE {f}");
        var without2 = hashes.Select(h => FeGroupTable.Select(h, 4, 0xB)).ToArray();
        for (int i = 0; i < hashes.Length; i++)
            if (all[i] != 2) Assert.That(without2[i], Is.EqualTo(all[i]), "flows of live members stay");
        var moved = without2.Where((x, i) => all[i] == 2).ToArray();
        foreach (int f in new[] { 0, 1, 3 })
            Assert.That(moved.Count(x => x == f), Is.InRange(moved.Length / 3 - 400, moved.Length / 3 + 400));
    }

    [Test]
    public void FeGroupTableFollowsTheModelCycleByCycle()
    {
        using var m = new ModuleSim("fe_group_table");
        var p = NicParams.W64;
        var model = new FeGroupTable(p);
        var rnd = new Random(21);
        m.Reset();
        var addrs = new uint[] { 0x0A000001, 0x0A000002, 0x0A000003, 0x0A000004, 0x0A000005, 0x0A000006 };
        ushort tick = 0, interval = 0;
        int cnt = 0;
        bool due = false;
        ushort dueTick = 0;
        int expDown = 0;
        ushort prevTick = 0;
        m.Set("cfg_timeout", 20);
        model.ProbeTimeout = 20;
        for (int cyc = 0; cyc < 30000; cyc++)
        {
            if (cyc % 5000 == 0) interval = (ushort)rnd.Next(0, 6);
            m.Set("cfg_interval", interval);
            // at most one of: write / refresh / round per cycle (the flow processor never refreshes and
            // rounds in one cycle); ticks advance independently
            int op = rnd.Next(10);
            m.Set("wr_en", 0); m.Set("rf_valid", 0); m.Set("round_go", 0);
            if (op == 0)
            {
                int g = rnd.Next(4);
                int count = rnd.Next(5);
                var d = new uint[16];
                NezhaFields.FE_GROUP_COUNT.Set(d, (uint)count);
                var v = new byte[16];
                for (int k = 0; k < 4; k++)
                {
                    uint a = addrs[rnd.Next(addrs.Length)];
                    BinaryPrimitives.WriteUInt32LittleEndian(v.AsSpan(4 * k), a);
                    d[1 + k] = a;
                }
                Assert.That(model.Write((uint)g, d), Is.EqualTo(TableStatus.Ok));
                m.Set("wr_en", 1); m.Set("wr_idx", (ulong)g); m.Set("wr_count", (ulong)count); m.SetBytes("wr_vtep", v);
            }
            else if (op <= 3)
            {
                uint a = addrs[rnd.Next(addrs.Length)];
                ushort t = (ushort)(tick - rnd.Next(3));
                model.Refresh(a, t);
                m.Set("rf_valid", 1); m.Set("rf_addr", a); m.Set("rf_tick", t);
            }
            else if (op == 4)
            {
                ushort t = (ushort)(tick - rnd.Next(2));
                expDown = model.Round(t);
                m.Set("round_go", 1); m.Set("go_tick", t);
            }
            bool adv = rnd.Next(3) == 0;
            m.Set("tick_now", tick);
            m.Tick();
            // round timer reference (tick_now seen this cycle against the previous one)
            bool tickAdv = tick != prevTick;
            bool dueNow = interval != 0 && tickAdv && cnt + 1 >= interval;
            if (interval == 0) cnt = 0;
            else if (tickAdv) cnt = dueNow ? 0 : cnt + 1;
            if (dueNow) { due = true; dueTick = tick; }
            else if (op == 4) due = false;
            prevTick = tick;
            if (adv) tick++;

            Assert.That(m.GetBool("round_due"), Is.EqualTo(due), $"cycle {cyc}: round_due");
            if (due) Assert.That((ushort)m.Get("round_tick"), Is.EqualTo(dueTick), $"cycle {cyc}: round_tick");
            Assert.That((int)m.Get("ev_fe_down"), Is.EqualTo(op == 4 ? expDown : 0), $"cycle {cyc}: ev_fe_down");
            uint alive = (uint)m.Get("fg_alive");
            Assert.That(alive, Is.EqualTo(model.AliveAll()), $"cycle {cyc}: alive after op {op}");
        }
    }

    [Test]
    public void GeneveCtxParseAgreesWithTheModel()
    {
        using var m = new ModuleSim("geneve_ctx_parse");
        var rnd = new Random(3);
        var opt = new byte[24];
        for (int i = 0; i < 20000; i++)
        {
            rnd.NextBytes(opt);
            // mostly well-formed contexts with one field disturbed now and then
            if (rnd.Next(4) != 0)
            {
                BinaryPrimitives.WriteUInt16BigEndian(opt, ContextOption.OptionClass);
                opt[2] = ContextOption.OptionType;
                opt[3] = rnd.Next(8) == 0 ? (byte)rnd.Next(256) : ContextOption.OptionLengthByte;
                opt[4] = rnd.Next(8) == 0 ? (byte)rnd.Next(256) : (byte)rnd.Next(1, 5);
                opt[5] = (byte)rnd.Next(4);
                opt[22] = rnd.Next(4) == 0 ? (byte)rnd.Next(256) : (byte)rnd.Next(2, 4);
                if (rnd.Next(10) == 0) opt[2] = 0x81;
            }
            int words = rnd.Next(3) == 0 ? rnd.Next(64) : 6 + rnd.Next(3);
            bool en = rnd.Next(10) != 0;
            m.SetBytes("opt", opt);
            m.Set("optlen", (ulong)words);
            m.Set("en", en);
            m.Eval();
            bool isCtx = ContextOption.TryParse(opt, words, out var ctx, out bool bad) && en;
            Assert.That(m.GetBool("is_ctx"), Is.EqualTo(isCtx), $"case {i}: {Convert.ToHexString(opt)} words {words}");
            if (!isCtx) continue;
            Assert.That(m.GetBool("bad"), Is.EqualTo(bad), $"case {i}: {Convert.ToHexString(opt)} words {words}");
            if (bad) continue;
            Assert.That((int)m.Get("kind"), Is.EqualTo((int)ctx.Kind));
            Assert.That((byte)m.Get("flags"), Is.EqualTo(ctx.Flags));
            Assert.That((byte)m.Get("vnic"), Is.EqualTo(ctx.Vnic));
            Assert.That((byte)m.Get("version"), Is.EqualTo(ctx.Version));
            Assert.That((uint)m.Get("be_id"), Is.EqualTo(ctx.BeId));
            Assert.That((uint)m.Get("vtep"), Is.EqualTo(ctx.Vtep));
            Assert.That(m.Get("mac"), Is.EqualTo(ctx.Mac));
            Assert.That((byte)m.Get("act"), Is.EqualTo(ctx.Act));
        }
    }
}
