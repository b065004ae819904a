using System.Buffers.Binary;
using Nezha.Driver;
using Nezha.Common.Registers;
using Nezha.Verify.Sim;
using Nezha.Verify.Testbench;
using static Nezha.Verify.Testbench.FrameBuilder;

namespace Nezha.Tests.Offload;

/// <summary>One NIC of an offload test: its own Verilator model and golden model (a <see cref="NicBench"/>).</summary>
public sealed class FabricNic
{
    internal readonly List<SimFrame> Out = new();

    public FabricNic(string name, uint vtep, ulong mac, NicBench bench)
    {
        Name = name;
        Vtep = vtep;
        Mac = mac;
        B = bench;
        B.OnOutput = f => Out.Add(f);
    }

    public string Name { get; }
    public uint Vtep { get; }
    public ulong Mac { get; }
    public NicBench B { get; }
    public NicDriver D => B.Driver;
    /// <summary>Frames this NIC delivered on its host port (tuser, data).</summary>
    public List<SimFrame> Host { get; } = new();
    public ulong Stat(StatIndex i) => D.ReadStat(i);
    public override string ToString() => Name;
}

/// <summary>A frame that crossed the fabric (or left it to an address that is not one of its NICs).</summary>
public sealed record FabricHop(FabricNic From, FabricNic? To, uint Dst, byte[] Frame)
{
    /// <summary>The context KIND of a Nezha packet (0 when the frame is not one).</summary>
    public int Kind => OffloadFabric.ContextKindOf(Frame);
}

/// <summary>
/// Several NICs (separate Verilator models in one process, w64) connected by a fabric that moves every m_net
/// frame of one NIC into s_net of the NIC whose VTEP is the frame's outer destination address, as a router
/// would (Ethernet destination rewritten to that NIC's MAC, <see cref="Nezha.Verify.Cluster.Wire.Routed"/>); frames to other
/// addresses leave the fabric (<see cref="External"/>). Every NIC is a <see cref="NicBench"/>, so each one is
/// compared with its golden model frame by frame and counter by counter. Time: every NIC uses the external
/// tick (TICK_CYCLES = 0), so ticks move only when the test sends pulses (<see cref="Tick"/>).
/// </summary>
public sealed class OffloadFabric : IDisposable
{
    public static readonly ulong NextHopMac = Topology.NextHopMac;
    public static readonly ulong GatewayMac = Topology.GatewayMac;

    public List<FabricNic> Nics { get; } = new();
    public List<FabricHop> Hops { get; } = new();
    public List<FabricHop> External => Hops.Where(h => h.To == null).ToList();

    /// <summary>Returns true for a frame the fabric loses (a dead or partitioned NIC); it is logged in <see cref="Lost"/>.</summary>
    public Func<FabricHop, bool>? Lose { get; set; }
    public List<FabricHop> Lost { get; } = new();

    public FabricNic Add(string name, uint vtep, ulong mac, ulong seed)
    {
        var n = new FabricNic(name, vtep, mac, new NicBench(SimConfig.W64, seed));
        Nics.Add(n);
        return n;
    }

    public FabricNic? ByVtep(uint vtep) => Nics.FirstOrDefault(n => n.Vtep == vtep);

    /// <summary>Runs every NIC until idle and moves frames until nothing moves any more.</summary>
    public void Run(int maxPasses = 200)
    {
        for (int pass = 0; pass < maxPasses; pass++)
        {
            bool moved = false;
            foreach (var n in Nics)
            {
                n.B.Drain();
                var outs = n.Out.ToList();
                n.Out.Clear();
                foreach (var f in outs)
                {
                    if (f.Port == NicBench.Host) { n.Host.Add(f); continue; }
                    uint dst = BinaryPrimitives.ReadUInt32BigEndian(f.Data.AsSpan(30));
                    var to = ByVtep(dst);
                    // the hop records the frame as it arrives (routed to the NIC's MAC), so a test can replay it
                    var hop = new FabricHop(n, to, dst, to != null ? Nezha.Verify.Cluster.Wire.Routed(f.Data, to.Mac) : f.Data);
                    if (Lose?.Invoke(hop) == true) { Lost.Add(hop); continue; }
                    Hops.Add(hop);
                    if (to != null)
                    {
                        to.B.Send(NicBench.Net, hop.Frame);
                        moved = true;
                    }
                }
            }
            if (!moved) return;
        }
        throw new InvalidOperationException("the fabric did not settle");
    }

    /// <summary><paramref name="count"/> external ticks on <paramref name="nic"/>, one per cycle, then <see cref="Run"/>.</summary>
    public void Tick(FabricNic nic, int count)
    {
        for (int i = 0; i < count; i++) nic.B.Sim.TickPulse();
        Run();
    }

    /// <summary>Compares every counter of every NIC with its model and fails on any mismatch.</summary>
    public void CheckAll()
    {
        Run();
        foreach (var n in Nics)
        {
            n.B.CompareCounters();
            n.B.AssertClean();
        }
    }

    /// <summary>The KIND of a Nezha context packet on the underlay (Geneve, first option class 0xFF4E type 1), else 0.</summary>
    public static int ContextKindOf(byte[] f)
    {
        if (f.Length < 88 || BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(36)) != 6081) return 0;
        if ((f[42] & 0x3F) < 6 || BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(50)) != 0xFF4E || f[52] != 1) return 0;
        return f[54];
    }

    public void Dispose()
    {
        foreach (var n in Nics) n.B.Dispose();
    }
}

/// <summary>Context packets built byte by byte for the tests (independent of the model's builder).</summary>
public static class Ctx
{
    public const int Request = ContextPackets.Request, Verdict = ContextPackets.Verdict,
                     Probe = ContextPackets.Probe, ProbeReply = ContextPackets.ProbeReply;

    public static byte[] Option(int kind, int flags, int vnic, int version, uint beId, uint vtep = 0, ulong mac = 0, int act = 0,
                               byte lengthByte = 5) =>
        ContextPackets.Option(kind, flags, vnic, version, beId, vtep, mac, act, lengthByte);

    /// <summary>A context packet from <paramref name="src"/> to <paramref name="dst"/> carrying <paramref name="inner"/>.</summary>
    public static byte[] Packet(uint src, uint dst, ulong dstMac, uint vni, byte[] option, byte[] inner) =>
        ContextPackets.Packet(dstMac, NextHopMacOf(src), src, dst, vni, option, inner);

    private static ulong NextHopMacOf(uint src) => 0x0200_0000_0000UL | src;

    /// <summary>The option fields of a context packet (offsets for an untagged outer frame).</summary>
    public static (int Kind, int Flags, int Vnic, int Version, uint BeId, uint Vtep, ulong Mac, int Act) Parse(byte[] f) =>
        (f[54], f[55], f[56], f[57], BinaryPrimitives.ReadUInt32BigEndian(f.AsSpan(58)), BinaryPrimitives.ReadUInt32BigEndian(f.AsSpan(62)),
         ReadMac(f.AsSpan(66)), f[72]);
}
