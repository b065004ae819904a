using System.Buffers.Binary;
using Nezha.Common;
using Nezha.Verify.Model;
using Nezha.Verify.ModuleBench;
using NUnit.Framework;

namespace Nezha.Tests.Modules;

/// <summary>
/// rtl/probe_gen.v at 8, 64 and 512 bits: every round emits one PROBE per group member in group/member order,
/// byte for byte the model's <c>ContextFrames.Probe</c>, under random output backpressure; ev_probe pulses once
/// per probe and ready drops for exactly the round.
/// </summary>
[TestFixture("probe_gen_8", 8)]
[TestFixture("probe_gen_64", 64)]
[TestFixture("probe_gen_512", 512)]
public class ProbeGenBench
{
    private readonly string _name;
    private readonly int _w;

    public ProbeGenBench(string name, int w)
    {
        _name = name;
        _w = w;
    }

    [Test]
    public void RoundsEmitTheModelsProbesUnderBackpressure()
    {
        using var m = new ModuleSim(_name);
        var rnd = new Random(_w);
        var cfg = new ModelConfig(NicParams.W64)
        {
            NicMacLo = 0x0000_0011, NicMacHi = 0x0200, NhMacLo = 0x0000_00FE, NhMacHi = 0x0200, VtepIp = 0xC0A8_6401,
        };
        m.Reset();
        m.Set("cfg_nic_mac", cfg.NicMac);
        m.Set("cfg_nh_mac", cfg.NhMac);
        m.Set("cfg_vtep_ip", cfg.VtepIp);
        int k = _w / 8;
        for (int round = 0; round < 12; round++)
        {
            var counts = new int[4];
            var vteps = new byte[64];
            var expected = new List<byte[]>();
            ushort tick = (ushort)rnd.Next(65536);
            for (int g = 0; g < 4; g++)
            {
                counts[g] = round == 0 ? 4 : rnd.Next(5);
                for (int j = 0; j < 4; j++)
                {
                    uint a = 0x0A00_0000u | (uint)(g << 8) | (uint)j;
                    BinaryPrimitives.WriteUInt32LittleEndian(vteps.AsSpan(16 * g + 4 * j), a);
                    if (j < counts[g]) expected.Add(ContextFrames.Probe(cfg, a, tick));
                }
            }
            m.Set("fg_count", (ulong)(counts[0] | counts[1] << 3 | counts[2] << 6 | counts[3] << 9));
            m.SetBytes("fg_vtep", vteps);
            Assert.That(m.GetBool("ready"), Is.True);
            m.Set("start", 1);
            m.Set("start_tick", tick);
            m.Set("m_tready", 0);
            m.Tick();
            m.Set("start", 0);
            var frames = new List<byte[]>();
            var cur = new List<byte>();
            int pulses = 0;
            for (int c = 0; c < 20000 && (frames.Count < expected.Count || !m.GetBool("ready")); c++)
            {
                bool ready = rnd.Next(4) != 0;
                m.Set("m_tready", ready);
                m.Eval();
                if (m.GetBool("m_tvalid") && ready)
                {
                    var data = m.GetBytes("m_tdata");
                    int n = CountKeep(m.GetBytes("m_tkeep"));
                    Assert.That(n, Is.InRange(1, k));
                    cur.AddRange(data.AsSpan(0, n).ToArray());
                    if (m.GetBool("m_tlast")) { frames.Add(cur.ToArray()); cur.Clear(); }
                }
                m.Tick();
                if (m.GetBool("ev_probe")) pulses++;
            }
            Assert.That(frames, Has.Count.EqualTo(expected.Count), $"round {round}: probes");
            for (int i = 0; i < frames.Count; i++)
                Assert.That(Convert.ToHexString(frames[i]), Is.EqualTo(Convert.ToHexString(expected[i])), $"round {round}, probe {i}");
            Assert.That(pulses, Is.EqualTo(expected.Count), "ev_probe once per probe");
            Assert.That(m.GetBool("ready"), Is.True);
        }
    }

    private static int CountKeep(byte[] keep)
    {
        int n = 0;
        foreach (byte b in keep)
            for (int i = 0; i < 8; i++)
                if ((b >> i & 1) != 0) n++;
        return n;
    }
}
