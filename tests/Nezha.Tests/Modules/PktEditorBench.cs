using Nezha.Verify.ModuleBench;
using NUnit.Framework;

namespace Nezha.Tests.Modules;

/// <summary>
/// rtl/edit/pkt_editor.v: for random commands (header length, strip, end, drop) and frames, with random input gaps
/// and random output backpressure, the output must be exactly hdr[0..M) ++ frame[strip..min(end, L)); with no
/// backpressure it must move one beat per cycle.
/// </summary>
[TestFixture("pkt_editor_64", 64)]
[TestFixture("pkt_editor_512", 512)]
public class PktEditorBench
{
    private readonly string _module;
    private readonly int _bytes;

    public PktEditorBench(string module, int width)
    {
        _module = module;
        _bytes = width / 8;
    }

    private sealed record Cmd(bool Drop, bool Dest, uint User, byte[] Hdr, int Strip, byte[] Frame, int End = 0xFFFF);

    private (List<(byte[] Data, bool Dest, uint User)> Out, long Cycles) Run(List<Cmd> cmds, double validP, double readyP, int seed)
    {
        using var m = new ModuleSim(_module);
        m.Reset();
        var rnd = new Random(seed);
        var outs = new List<(byte[], bool, uint)>();
        var cur = new List<byte>();
        int ci = 0;                 // next command to offer
        int fi = 0, fo = 0;         // frame being sent and its byte offset
        long cycles = 0;
        int quiet = 0;
        var tdata = new byte[_bytes];
        while (quiet < 200 && cycles < 5_000_000)
        {
            // command
            bool cmdValid = ci < cmds.Count;
            if (cmdValid)
            {
                var c = cmds[ci];
                m.Set("cmd_valid", 1); m.Set("cmd_drop", c.Drop); m.Set("cmd_dest", c.Dest); m.Set("cmd_user", c.User);
                m.Set("cmd_hdr_len", (ulong)c.Hdr.Length); m.SetBytes("cmd_hdr", c.Hdr); m.Set("cmd_strip", (ulong)c.Strip);
                m.Set("cmd_end", (ulong)c.End);
            }
            else m.Set("cmd_valid", 0);
            // frame data (frames follow the command order)
            bool sValid = fi < cmds.Count && rnd.NextDouble() < validP;
            int n = 0;
            bool last = false;
            if (fi < cmds.Count)
            {
                var f = cmds[fi].Frame;
                n = Math.Min(_bytes, f.Length - fo);
                last = fo + n == f.Length;
                Array.Clear(tdata);
                f.AsSpan(fo, n).CopyTo(tdata);
                m.SetBytes("s_axis_tdata", tdata);
                m.Set("s_axis_tkeep", n == 64 ? ulong.MaxValue : (1UL << n) - 1);
                m.Set("s_axis_tlast", last);
            }
            m.Set("s_axis_tvalid", sValid);
            bool ready = rnd.NextDouble() < readyP;
            m.Set("m_axis_tready", ready);
            m.Eval();
            bool cmdFire = cmdValid && m.GetBool("cmd_ready");
            bool inFire = sValid && m.GetBool("s_axis_tready");
            bool outFire = ready && m.GetBool("m_axis_tvalid");
            if (outFire)
            {
                var d = m.GetBytes("m_axis_tdata");
                ulong keep = m.Get("m_axis_tkeep");
                int k = 0;
                while (k < _bytes && ((keep >> k) & 1) != 0) k++;
                Assert.That(keep == (k == 64 ? ulong.MaxValue : (1UL << k) - 1), Is.True, "tkeep contiguous from lane 0");
                cur.AddRange(d.AsSpan(0, k).ToArray());
                if (m.GetBool("m_axis_tlast"))
                {
                    outs.Add((cur.ToArray(), m.GetBool("m_axis_tdest"), (uint)m.Get("m_axis_tuser")));
                    cur.Clear();
                }
            }
            m.Tick();
            cycles++;
            if (cmdFire) ci++;
            if (inFire)
            {
                fo += n;
                if (last) { fi++; fo = 0; }
            }
            quiet = (ci == cmds.Count && fi == cmds.Count && !outFire) ? quiet + 1 : 0;
        }
        return (outs, cycles);
    }

    private static List<Cmd> RandomCommands(int count, int maxLen, Random rnd)
    {
        var cmds = new List<Cmd>();
        for (int i = 0; i < count; i++)
        {
            var frame = new byte[rnd.Next(1, maxLen)];
            rnd.NextBytes(frame);
            var hdr = new byte[rnd.Next(5) == 0 ? 0 : rnd.Next(0, 65)];
            rnd.NextBytes(hdr);
            int strip = rnd.Next(4) == 0 ? rnd.Next(frame.Length + 3) : rnd.Next(Math.Min(frame.Length + 1, 80));
            // the end of the forwarded bytes: the whole frame, a trailer cut off, or before strip
            int end = rnd.Next(3) switch
            {
                0 => 0xFFFF,
                1 => Math.Max(0, frame.Length - rnd.Next(0, 80)),
                _ => rnd.Next(0, frame.Length + 2),
            };
            cmds.Add(new Cmd(rnd.Next(8) == 0, rnd.Next(2) == 0, (uint)rnd.Next(4096), hdr, strip, frame, end));
        }
        return cmds;
    }

    private static List<(byte[] Data, bool Dest, uint User)> Expected(List<Cmd> cmds)
    {
        var e = new List<(byte[], bool, uint)>();
        foreach (var c in cmds)
        {
            if (c.Drop) continue;
            int end = Math.Min(c.End, c.Frame.Length);
            var body = c.Strip >= end ? Array.Empty<byte>() : c.Frame[c.Strip..end];
            var o = c.Hdr.Concat(body).ToArray();
            if (o.Length > 0) e.Add((o, c.Dest, c.User));
        }
        return e;
    }

    [Test]
    public void RandomEditsWithBackpressureAreByteExact()
    {
        var rnd = new Random(21);
        var cmds = RandomCommands(400, 700, rnd);
        var (outs, _) = Run(cmds, 0.8, 0.6, 3);
        var exp = Expected(cmds);
        Assert.That(outs.Count, Is.EqualTo(exp.Count));
        for (int i = 0; i < exp.Count; i++)
        {
            Assert.That(outs[i].Data, Is.EqualTo(exp[i].Data), $"frame {i}");
            Assert.That(outs[i].Dest, Is.EqualTo(exp[i].Dest));
            Assert.That(outs[i].User, Is.EqualTo(exp[i].User & 0xFFF));
        }
    }

    [Test]
    public void MovesOneBeatPerCycleWithoutBackpressure()
    {
        var rnd = new Random(5);
        var cmds = new List<Cmd>();
        for (int i = 0; i < 60; i++)
        {
            var frame = new byte[1500];
            rnd.NextBytes(frame);
            cmds.Add(new Cmd(false, true, 1, new byte[14], 14, frame));
        }
        var (outs, cycles) = Run(cmds, 1.0, 1.0, 1);
        long beats = cmds.Sum(c => (long)((c.Frame.Length + _bytes - 1) / _bytes));
        double rate = (double)beats / (cycles - 200);
        TestContext.Out.WriteLine($"{beats} input beats in {cycles - 200} cycles: {rate:0.000} beats/cycle");
        Assert.That(outs.Count, Is.EqualTo(cmds.Count));
        Assert.That(rate, Is.GreaterThan(0.97));
    }
}
