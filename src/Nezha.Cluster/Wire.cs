using System.Buffers.Binary;
using Nezha.Verify.Testbench;

namespace Nezha.Verify.Cluster;

/// <summary>A tunnel packet on the underlay, as a software host sees it.</summary>
public readonly record struct TunnelFrame(
    uint OuterSrc, uint OuterDst, bool Geneve, uint Vni, int InnerOffset, int OptionBytes, ushort FirstOptionClass, byte FirstOptionType,
    byte ContextKind)
{
    /// <summary>A Nezha context packet (docs/nezha-offload.md section 3).</summary>
    public bool IsContext => Geneve && FirstOptionClass == Wire.NezhaOptionClass && FirstOptionType == 1;
}

/// <summary>The TCP fields a software endpoint needs, from an untagged Ethernet + IPv4 + TCP frame.</summary>
public readonly record struct TcpSegment(
    ulong EthDst, ulong EthSrc, uint SrcIp, uint DstIp, ushort SrcPort, ushort DstPort, byte Flags, uint Seq, uint Ack, int PayloadLength)
{
    public bool Has(byte flag) => (Flags & flag) == flag;
}

/// <summary>
/// Minimal parsing of the frames the cluster's software endpoints and the fabric exchange. These are
/// stimulus-side helpers (like <see cref="FrameBuilder"/>); the golden model never uses them.
/// </summary>
public static class Wire
{
    public const ushort NezhaOptionClass = 0xFF4E;
    /// <summary>Context kinds (byte 0 of the option data).</summary>
    public const byte KindRequest = 1, KindVerdict = 2, KindProbe = 3, KindProbeReply = 4;

    /// <summary>Outer IPv4 destination of an untagged IPv4 frame.</summary>
    /// <summary>
    /// The frame as an IP router between two underlay segments forwards it: Ethernet destination
    /// <paramref name="toMac"/>, source the MAC the sender addressed (the router's own). A NIC decapsulates only
    /// frames to its own MAC (datapath-spec 4.4, NOT_MY_MAC), so a routed fabric must do this.
    /// </summary>
    public static byte[] Routed(ReadOnlySpan<byte> f, ulong toMac)
    {
        var o = f.ToArray();
        f[..6].CopyTo(o.AsSpan(6));
        Nezha.Verify.Testbench.FrameBuilder.WriteMac(o, toMac);
        return o;
    }

    public static bool TryOuterDst(ReadOnlySpan<byte> f, out uint dst)
    {
        dst = 0;
        if (f.Length < 34 || BinaryPrimitives.ReadUInt16BigEndian(f[12..]) != 0x0800) return false;
        dst = BinaryPrimitives.ReadUInt32BigEndian(f[30..]);
        return true;
    }

    /// <summary>Parses VXLAN (UDP 4789) or Geneve (UDP 6081) over untagged IPv4.</summary>
    public static bool TryTunnel(ReadOnlySpan<byte> f, out TunnelFrame t)
    {
        t = default;
        if (f.Length < 14 + 20 + 8 + 8 || BinaryPrimitives.ReadUInt16BigEndian(f[12..]) != 0x0800) return false;
        int ihl = (f[14] & 0x0F) * 4;
        if ((f[14] >> 4) != 4 || ihl < 20 || f[14 + 9] != IpProto.Udp) return false;
        int udp = 14 + ihl;
        if (f.Length < udp + 16) return false;
        ushort dport = BinaryPrimitives.ReadUInt16BigEndian(f[(udp + 2)..]);
        int th = udp + 8;
        uint src = BinaryPrimitives.ReadUInt32BigEndian(f[26..]), dst = BinaryPrimitives.ReadUInt32BigEndian(f[30..]);
        uint vni = (uint)(f[th + 4] << 16 | f[th + 5] << 8 | f[th + 6]);
        if (dport == 4789)
        {
            t = new TunnelFrame(src, dst, false, vni, th + 8, 0, 0, 0, 0);
            return true;
        }
        if (dport == 6081)
        {
            int opt = (f[th] & 0x3F) * 4;
            if (f.Length < th + 8 + opt) return false;
            ushort cls = opt >= 4 ? BinaryPrimitives.ReadUInt16BigEndian(f[(th + 8)..]) : (ushort)0;
            byte type = opt >= 4 ? f[th + 10] : (byte)0;
            byte kind = opt >= 8 && cls == NezhaOptionClass && type == 1 ? f[th + 12] : (byte)0;
            t = new TunnelFrame(src, dst, true, vni, th + 8 + opt, opt, cls, type, kind);
            return true;
        }
        return false;
    }

    /// <summary>Parses an untagged Ethernet + IPv4 + TCP frame starting at <paramref name="off"/>.</summary>
    public static bool TryTcp(ReadOnlySpan<byte> f, int off, out TcpSegment s)
    {
        s = default;
        if (f.Length < off + 14 + 20 + 20 || BinaryPrimitives.ReadUInt16BigEndian(f[(off + 12)..]) != 0x0800) return false;
        int ip = off + 14;
        int ihl = (f[ip] & 0x0F) * 4;
        if ((f[ip] >> 4) != 4 || ihl < 20 || f[ip + 9] != IpProto.Tcp) return false;
        int total = BinaryPrimitives.ReadUInt16BigEndian(f[(ip + 2)..]);
        int tcp = ip + ihl;
        if (f.Length < tcp + 20 || total < ihl + 20) return false;
        int doff = (f[tcp + 12] >> 4) * 4;
        s = new TcpSegment(
            FrameBuilder.ReadMac(f[off..]), FrameBuilder.ReadMac(f[(off + 6)..]),
            BinaryPrimitives.ReadUInt32BigEndian(f[(ip + 12)..]), BinaryPrimitives.ReadUInt32BigEndian(f[(ip + 16)..]),
            BinaryPrimitives.ReadUInt16BigEndian(f[tcp..]), BinaryPrimitives.ReadUInt16BigEndian(f[(tcp + 2)..]),
            f[tcp + 13], BinaryPrimitives.ReadUInt32BigEndian(f[(tcp + 4)..]), BinaryPrimitives.ReadUInt32BigEndian(f[(tcp + 8)..]),
            Math.Max(0, total - ihl - doff));
        return true;
    }

    /// <summary>An Ethernet + IPv4 + TCP frame.</summary>
    public static byte[] TcpFrame(ulong ethDst, ulong ethSrc, uint srcIp, uint dstIp, ushort sport, ushort dport,
                                  byte flags, uint seq, uint ack, int payload) =>
        FrameBuilder.Ethernet(ethDst, ethSrc, 0x0800,
            FrameBuilder.Ipv4(srcIp, dstIp, IpProto.Tcp, FrameBuilder.Tcp(sport, dport, flags, FrameBuilder.Payload(payload), seq, ack)));

    /// <summary>VXLAN encapsulation from a software host, with a per-flow UDP source port (entropy, as a real VTEP does).</summary>
    public static byte[] Vxlan(ulong outerDstMac, ulong outerSrcMac, uint srcVtep, uint dstVtep, uint vni, byte[] inner, ushort flowEntropy) =>
        FrameBuilder.Vxlan(outerDstMac, outerSrcMac, srcVtep, dstVtep, vni, inner, (ushort)(0xC000 | (flowEntropy & 0x3FFF)));

    /// <summary>The flow's session hash H (datapath-spec 4.6), as the NICs compute it.</summary>
    public static uint SessionHash(uint vni, byte proto, uint ipA, ushort portA, uint ipB, ushort portB)
    {
        ulong a = (ulong)ipA << 16 | portA, b = (ulong)ipB << 16 | portB;
        ulong lo = Math.Min(a, b), hi = Math.Max(a, b);
        Span<byte> k = stackalloc byte[16];
        k[0] = (byte)(vni >> 16); k[1] = (byte)(vni >> 8); k[2] = (byte)vni;
        k[3] = proto;
        BinaryPrimitives.WriteUInt32BigEndian(k[4..], (uint)(lo >> 16));
        BinaryPrimitives.WriteUInt32BigEndian(k[8..], (uint)(hi >> 16));
        BinaryPrimitives.WriteUInt16BigEndian(k[12..], (ushort)lo);
        BinaryPrimitives.WriteUInt16BigEndian(k[14..], (ushort)hi);
        return Nezha.Common.Hashing.Crc32C.Compute(k);
    }

    /// <summary>The primary FE index of a flow in a group of <paramref name="n"/> (docs/nezha-offload.md section 4).</summary>
    public static int PrimaryFe(uint hash, int n) => (int)(((hash & 0xFFFF) * (uint)n) >> 16);
}
