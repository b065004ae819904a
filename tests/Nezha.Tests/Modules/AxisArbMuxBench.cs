using Nezha.Verify.ModuleBench;
using NUnit.Framework;

namespace Nezha.Tests.Modules;

/// <summary>
/// rtl/lib/axis_arb_mux.v, the N-input AXI-Stream arbiter (3 inputs at 64 bits as on m_net, 4 inputs at 8 bits):
/// <list type="bullet">
/// <item>random packets on every input with random input gaps and output backpressure: every packet comes out
/// exactly once, whole (its beats back to back, tkeep and tuser intact), in its input's order, nothing else;</item>
/// <item>round-robin: with every input always holding a packet the sources take turns 0, 1, .., N-1, 0, .., with or
/// without output backpressure; with some inputs idle the busy ones take turns among themselves;</item>
/// <item>throughput and latency: without backpressure one beat per cycle across packets and inputs, the first
/// beat 2 cycles after its input beat; s_tready falls only when the input's skid buffer is full.</item>
/// </list>
/// </summary>
[TestFixture("axis_arb_mux_3x64", 3, 64, 12)]
[TestFixture("axis_arb_mux_4x8", 4, 8, 4)]
public class AxisArbMuxBench
{
    private readonly string _module;
    private readonly int _n, _bytes, _userW;

    public AxisArbMuxBench(string module, int n, int width, int userW)
    {
        _module = module;
        _n = n;
        _bytes = width / 8;
        _userW = userW;
    }

    private sealed record Packet(int Source, int Seq, byte[] Data, uint User);

    /// <summary>One beat of a packet: data (garbage past the valid bytes), tkeep, tlast.</summary>
    private (byte[] Data, ulong Keep, bool Last) Beat(Packet p, int beat, Random rnd)
    {
        var d = new byte[_bytes];
        rnd.NextBytes(d);
        int off = beat * _bytes, n = Math.Min(_bytes, p.Data.Length - off);
        p.Data.AsSpan(off, n).CopyTo(d);
        return (d, n >= 64 ? ulong.MaxValue : (1UL << n) - 1, off + n == p.Data.Length);
    }

    private List<Packet>[] MakePackets(Random rnd, int perInput, int maxLen)
    {
        var q = new List<Packet>[_n];
        for (int s = 0; s < _n; s++)
        {
            q[s] = new List<Packet>();
            for (int k = 0; k < perInput; k++)
            {
                var data = new byte[rnd.Next(1, maxLen + 1)];
                rnd.NextBytes(data);
                data[0] = (byte)s;                       // source and sequence in the first bytes (as far as they go)
                if (data.Length > 1) data[1] = (byte)k;
                q[s].Add(new Packet(s, k, data, (uint)rnd.Next(1 << _userW)));
            }
        }
        return q;
    }

    /// <summary>Drives the inputs (validP: an offered beat per cycle, readyP: m_tready) until every packet came
    /// out; returns the output packets in order with their cycle of first beat.</summary>
    private List<(byte[] Data, uint User, long FirstCycle)> Run(List<Packet>[] q, double validP, double readyP, int seed,
                                                               List<string> bad, List<(int Input, long Cycle)>? accepted = null)
    {
        using var m = new ModuleSim(_module);
        m.Reset();
        var rnd = new Random(seed);
        var outs = new List<(byte[] Data, uint User, long FirstCycle)>();
        int[] pi = new int[_n], bi = new int[_n];
        var cur = new List<byte>();
        uint curUser = 0;
        long first = 0, cycle = 0;
        int total = q.Sum(l => l.Count);
        var offered = new bool[_n];          // a beat offered stays valid until it is taken (AXI-Stream)
        var beats = new (byte[] Data, ulong Keep, bool Last)[_n];
        for (int s = 0; s < _n; s++) if (q[s].Count > 0) beats[s] = Beat(q[s][0], 0, rnd);
        while (outs.Count < total && cycle < 1_000_000)
        {
            var tdata = new byte[_n * _bytes];
            ulong lastV = 0, valid = 0;
            var keep = new System.Numerics.BigInteger(0);
            var user = new System.Numerics.BigInteger(0);
            for (int s = 0; s < _n; s++)
            {
                if (pi[s] >= q[s].Count || (!offered[s] && rnd.NextDouble() >= validP)) continue;
                offered[s] = true;
                valid |= 1UL << s;
                beats[s].Data.CopyTo(tdata, s * _bytes);
                keep |= (System.Numerics.BigInteger)beats[s].Keep << (s * _bytes);
                if (beats[s].Last) lastV |= 1UL << s;
                user |= (System.Numerics.BigInteger)q[s][pi[s]].User << (s * _userW);
            }
            m.SetBytes("s_tdata", tdata);
            m.SetBig("s_tkeep", keep);
            m.Set("s_tvalid", valid);
            m.Set("s_tlast", lastV);
            m.SetBig("s_tuser", user);
            bool ready = rnd.NextDouble() < readyP;
            m.Set("m_tready", ready);
            m.Eval();
            ulong sready = m.Get("s_tready");
            // output beat
            if (m.GetBool("m_tvalid") && ready)
            {
                if (cur.Count == 0) { first = cycle; curUser = (uint)m.Get("m_tuser"); }
                else if ((uint)m.Get("m_tuser") != curUser) bad.Add($"cycle {cycle}: tuser changed inside a packet");
                ulong k = m.Get("m_tkeep");
                var d = m.GetBytes("m_tdata");
                int nb = 0;
                while (nb < _bytes && ((k >> nb) & 1) != 0) nb++;
                if (nb < 64 && (k >> nb) != 0) bad.Add($"cycle {cycle}: tkeep {k:X} not contiguous");
                cur.AddRange(d.AsSpan(0, nb).ToArray());
                if (m.GetBool("m_tlast"))
                {
                    outs.Add((cur.ToArray(), curUser, first));
                    cur.Clear();
                }
            }
            // input handshakes
            for (int s = 0; s < _n; s++)
            {
                if (((valid >> s) & 1) == 0 || ((sready >> s) & 1) == 0) continue;
                offered[s] = false;
                accepted?.Add((s, cycle));
                if (beats[s].Last) { pi[s]++; bi[s] = 0; }
                else bi[s]++;
                if (pi[s] < q[s].Count) beats[s] = Beat(q[s][pi[s]], bi[s], rnd);
            }
            m.Tick();
            cycle++;
        }
        if (outs.Count < total) bad.Add($"only {outs.Count} of {total} packets came out");
        return outs;
    }

    /// <summary>Each output packet must be the next packet of exactly one input.</summary>
    private List<int> Sources(List<Packet>[] q, List<(byte[] Data, uint User, long FirstCycle)> outs, List<string> bad)
    {
        int[] next = new int[_n];
        var src = new List<int>();
        foreach (var (data, user, _) in outs)
        {
            int s = data[0];
            if (s >= _n || next[s] >= q[s].Count) { bad.Add($"output packet from no input: {Convert.ToHexString(data)}"); continue; }
            var p = q[s][next[s]++];
            if (!p.Data.AsSpan().SequenceEqual(data) || p.User != user)
                bad.Add($"input {s} packet {p.Seq}: came out as {Convert.ToHexString(data)} user {user:X}, sent {Convert.ToHexString(p.Data)} user {p.User:X}");
            src.Add(s);
        }
        for (int s = 0; s < _n; s++)
            if (next[s] != q[s].Count) bad.Add($"input {s}: {q[s].Count - next[s]} packet(s) missing");
        return src;
    }

    [Test]
    public void EveryPacketComesOutOnceWholeAndInOrderUnderGapsAndBackpressure()
    {
        for (int round = 0; round < 6; round++)
        {
            var rnd = new Random(100 + round);
            var q = MakePackets(rnd, 60, 4 * _bytes + 3);
            var bad = new List<string>();
            var outs = Run(q, round % 2 == 0 ? 0.5 : 0.9, round < 3 ? 0.4 : 0.8, 200 + round, bad);
            Sources(q, outs, bad);
            Assert.That(bad, Is.Empty, string.Join("\n", bad.Take(10)));
        }
    }

    [Test]
    public void BusyInputsTakeTurnsRoundRobin()
    {
        // every input always offers a packet: the sources cycle 0, 1, .., N-1 from reset
        var rnd = new Random(7);
        var q = MakePackets(rnd, 40, 3 * _bytes);
        var bad = new List<string>();
        var src = Sources(q, Run(q, 1.0, 1.0, 8, bad), bad);
        Assert.That(bad, Is.Empty, string.Join("\n", bad.Take(10)));
        for (int i = 0; i < src.Count; i++)
            Assert.That(src[i], Is.EqualTo(i % _n), $"packet {i}: round-robin order");

        // only inputs 1 and N-1 busy (input 0 idle): they alternate, input 1 first (after N-1 at reset)
        var q2 = MakePackets(rnd, 30, 2 * _bytes);
        for (int s = 0; s < _n; s++) if (s != 1 && s != _n - 1) q2[s].Clear();
        bad.Clear();
        var src2 = Sources(q2, Run(q2, 1.0, 1.0, 9, bad), bad);
        Assert.That(bad, Is.Empty, string.Join("\n", bad.Take(10)));
        for (int i = 0; i < src2.Count; i++)
            Assert.That(src2[i], Is.EqualTo(i % 2 == 0 ? 1 : _n - 1), $"packet {i}: the two busy inputs alternate");

        // output backpressure does not change the turns of inputs that all keep a packet waiting
        var q3 = MakePackets(rnd, 40, 2 * _bytes);
        bad.Clear();
        var src3 = Sources(q3, Run(q3, 1.0, 0.5, 10, bad), bad);
        Assert.That(bad, Is.Empty, string.Join("\n", bad.Take(10)));
        for (int i = 0; i < src3.Count; i++)
            Assert.That(src3[i], Is.EqualTo(i % _n), $"packet {i}: round-robin order under backpressure");
    }

    [Test]
    public void OneBeatPerCycleAcrossPacketsWithTwoCyclesOfLatency()
    {
        var rnd = new Random(3);
        var q = MakePackets(rnd, 30, 5 * _bytes);
        int beats = q.Sum(l => l.Sum(p => (p.Data.Length + _bytes - 1) / _bytes));
        var bad = new List<string>();
        var accepted = new List<(int Input, long Cycle)>();
        var outs = Run(q, 1.0, 1.0, 4, bad, accepted);
        Sources(q, outs, bad);
        Assert.That(bad, Is.Empty, string.Join("\n", bad.Take(10)));
        Assert.That(outs[0].FirstCycle, Is.EqualTo(accepted.Min(a => a.Cycle) + 2), "first beat 2 cycles after its input beat");
        // the output carries a beat in every cycle from its first to its last beat
        long lastStart = outs[^1].FirstCycle;
        int lastBeats = (outs[^1].Data.Length + _bytes - 1) / _bytes;
        Assert.That(lastStart + lastBeats - outs[0].FirstCycle, Is.EqualTo(beats), "no idle cycle at packet or input switches");
    }
}
