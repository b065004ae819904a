using Nezha.Verify.ModuleBench;
using NUnit.Framework;

namespace Nezha.Tests.Modules;

/// <summary>
/// rtl/lib/axis_pad.v (MIN_BYTES = 60) at 8, 64 and 512 bits: random frames of 1..200 bytes with garbage in the
/// input lanes past tkeep, random input gaps and output backpressure. Every output frame must be its input
/// frame followed by zero bytes up to 60 (unchanged when it has 60 or more), with the input's tuser on every
/// beat and tkeep contiguous; without gaps or backpressure, frames of 60 bytes or more move one beat per cycle.
/// </summary>
[TestFixture("axis_pad_8", 8, 10)]
[TestFixture("axis_pad_64", 64, 12)]
[TestFixture("axis_pad_512", 512, 14)]
public class AxisPadBench
{
    private const int Min = 60;
    private readonly string _module;
    private readonly int _bytes;
    private readonly int _userW;

    public AxisPadBench(string module, int width, int userW)
    {
        _module = module;
        _bytes = width / 8;
        _userW = userW;
    }

    private sealed record Frame(byte[] Data, uint User);

    private ulong Keep(int n) => n >= 64 ? ulong.MaxValue : (1UL << n) - 1;

    private (List<Frame> Out, long Cycles, List<string> Bad) Run(List<Frame> frames, double validP, double readyP, int seed)
    {
        using var m = new ModuleSim(_module);
        m.Reset();
        var rnd = new Random(seed);
        var outs = new List<Frame>();
        var bad = new List<string>();
        var cur = new List<byte>();
        uint curUser = 0;
        int fi = 0, fo = 0;
        long cycles = 0;
        int quiet = 0;
        var tdata = new byte[_bytes];
        while (quiet < 50 && cycles < 2_000_000)
        {
            bool sValid = fi < frames.Count && rnd.NextDouble() < validP;
            int n = 0;
            bool last = false;
            if (fi < frames.Count)
            {
                var f = frames[fi];
                n = Math.Min(_bytes, f.Data.Length - fo);
                last = fo + n == f.Data.Length;
                rnd.NextBytes(tdata);                            // garbage past tkeep must not come out
                f.Data.AsSpan(fo, n).CopyTo(tdata);
                m.SetBytes("s_tdata", tdata);
                m.Set("s_tkeep", Keep(n));
                m.Set("s_tlast", last);
                m.Set("s_tuser", f.User);
            }
            m.Set("s_tvalid", sValid);
            bool ready = rnd.NextDouble() < readyP;
            m.Set("m_tready", ready);
            m.Eval();
            bool inFire = sValid && m.GetBool("s_tready");
            bool outFire = ready && m.GetBool("m_tvalid");
            if (outFire)
            {
                var d = m.GetBytes("m_tdata");
                ulong keep = m.Get("m_tkeep");
                int k = 0;
                while (k < _bytes && ((keep >> k) & 1) != 0) k++;
                if (keep != Keep(k)) bad.Add($"cycle {cycles}: tkeep {keep:X} not contiguous from lane 0");
                uint user = (uint)m.Get("m_tuser");
                if (cur.Count == 0) curUser = user;
                else if (user != curUser) bad.Add($"cycle {cycles}: tuser changed inside a frame ({curUser:X} -> {user:X})");
                cur.AddRange(d.AsSpan(0, k).ToArray());
                if (m.GetBool("m_tlast"))
                {
                    outs.Add(new Frame(cur.ToArray(), curUser));
                    cur.Clear();
                }
            }
            m.Tick();
            cycles++;
            if (inFire)
            {
                fo += n;
                if (last) { fi++; fo = 0; }
            }
            quiet = (fi == frames.Count && !outFire && !m.GetBool("busy")) ? quiet + 1 : 0;
        }
        return (outs, cycles, bad);
    }

    private List<Frame> RandomFrames(int count, Random rnd)
    {
        var l = new List<Frame>();
        for (int i = 0; i < count; i++)
        {
            int len = rnd.Next(3) == 0 ? rnd.Next(1, Min + 1) : rnd.Next(1, 200);
            var d = new byte[len];
            rnd.NextBytes(d);
            l.Add(new Frame(d, (uint)rnd.Next(1 << _userW)));
        }
        return l;
    }

    private static byte[] Padded(byte[] d)
    {
        var o = new byte[Math.Max(Min, d.Length)];
        d.CopyTo(o, 0);
        return o;
    }

    [Test]
    public void ShortFramesArePaddedWithZerosToSixtyBytesUnderBackpressure()
    {
        var frames = RandomFrames(1500, new Random(11));
        var (outs, _, bad) = Run(frames, 0.7, 0.6, 4);
        Assert.That(bad, Is.Empty, bad.FirstOrDefault());
        Assert.That(outs.Count, Is.EqualTo(frames.Count));
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.That(outs[i].Data, Is.EqualTo(Padded(frames[i].Data)), $"frame {i} ({frames[i].Data.Length} bytes)");
            Assert.That(outs[i].User, Is.EqualTo(frames[i].User), $"frame {i} tuser");
        }
        TestContext.Out.WriteLine($"{frames.Count(f => f.Data.Length < Min)} of {frames.Count} frames padded");
    }

    [Test]
    public void LongFramesMoveOneBeatPerCycle()
    {
        var rnd = new Random(2);
        var frames = Enumerable.Range(0, 200).Select(_ =>
        {
            var d = new byte[rnd.Next(Min, 300)];
            rnd.NextBytes(d);
            return new Frame(d, 1);
        }).ToList();
        var (outs, cycles, bad) = Run(frames, 1.0, 1.0, 1);
        Assert.That(bad, Is.Empty, bad.FirstOrDefault());
        Assert.That(outs.Select(o => o.Data), Is.EqualTo(frames.Select(f => f.Data)));
        long beats = frames.Sum(f => (long)((f.Data.Length + _bytes - 1) / _bytes));
        // the run ends 50 idle cycles after the last beat, plus the one cycle of latency
        Assert.That(cycles - 51, Is.EqualTo(beats), "one beat per cycle, no bubble between frames");
    }
}
