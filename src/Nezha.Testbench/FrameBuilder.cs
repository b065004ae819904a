using System.Buffers.Binary;

namespace Nezha.Verify.Testbench;

/// <summary>Transport protocol numbers used by the builders.</summary>
public static class IpProto
{
    public const byte Icmp = 1, Tcp = 6, Udp = 17;
}

/// <summary>TCP flag bits.</summary>
public static class TcpFlags
{
    public const byte Fin = 0x01, Syn = 0x02, Rst = 0x04, Psh = 0x08, Ack = 0x10;
}

/// <summary>
/// Builds test frames byte by byte (Ethernet, 802.1Q, IPv4 with options, TCP/UDP/ICMP, ARP, VXLAN and
/// Geneve). Checksums are correct unless a test breaks them on purpose afterwards. Stimulus only: the
/// golden model never uses this class.
/// </summary>
public static class FrameBuilder
{
    public static byte[] Ethernet(ulong dst, ulong src, ushort etherType, ReadOnlySpan<byte> payload, ushort? vlan = null)
    {
        int hdr = vlan.HasValue ? 18 : 14;
        var f = new byte[hdr + payload.Length];
        WriteMac(f.AsSpan(0), dst);
        WriteMac(f.AsSpan(6), src);
        if (vlan.HasValue)
        {
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x8100);
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(14), vlan.Value);
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(16), etherType);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), etherType);
        }
        payload.CopyTo(f.AsSpan(hdr));
        return f;
    }

    public static byte[] Ipv4(uint src, uint dst, byte proto, ReadOnlySpan<byte> l4, byte ttl = 64, ushort id = 0,
                              ushort flagsFrag = 0x4000, ReadOnlySpan<byte> options = default)
    {
        int ihl = 20 + options.Length;
        if (ihl % 4 != 0 || ihl > 60) throw new ArgumentException("IPv4 options must pad the header to a multiple of 4, at most 60 bytes");
        var p = new byte[ihl + l4.Length];
        p[0] = (byte)(0x40 | (ihl / 4));
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)p.Length);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), id);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(6), flagsFrag);
        p[8] = ttl;
        p[9] = proto;
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(12), src);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(16), dst);
        options.CopyTo(p.AsSpan(20));
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(10), Checksum(p.AsSpan(0, ihl)));
        l4.CopyTo(p.AsSpan(ihl));
        if (proto == IpProto.Tcp && l4.Length >= 20) FixL4Checksum(p, ihl, 16, src, dst, proto);
        if (proto == IpProto.Udp && l4.Length >= 8) FixL4Checksum(p, ihl, 6, src, dst, proto);
        return p;
    }

    public static byte[] Tcp(ushort sport, ushort dport, byte flags, ReadOnlySpan<byte> payload, uint seq = 1, uint ack = 0)
    {
        var t = new byte[20 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(0), sport);
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(4), seq);
        BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(8), ack);
        t[12] = 0x50;
        t[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(14), 65535);
        payload.CopyTo(t.AsSpan(20));
        return t;
    }

    public static byte[] Udp(ushort sport, ushort dport, ReadOnlySpan<byte> payload)
    {
        var u = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(u.AsSpan(0), sport);
        BinaryPrimitives.WriteUInt16BigEndian(u.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt16BigEndian(u.AsSpan(4), (ushort)u.Length);
        payload.CopyTo(u.AsSpan(8));
        return u;
    }

    public static byte[] IcmpEcho(bool request, ushort id, ushort seq, ReadOnlySpan<byte> payload)
    {
        var m = new byte[8 + payload.Length];
        m[0] = request ? (byte)8 : (byte)0;
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(4), id);
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(6), seq);
        payload.CopyTo(m.AsSpan(8));
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(2), Checksum(m));
        return m;
    }

    public static byte[] Arp(ushort op, ulong sha, uint spa, ulong tha, uint tpa)
    {
        var a = new byte[28];
        BinaryPrimitives.WriteUInt16BigEndian(a.AsSpan(0), 1);
        BinaryPrimitives.WriteUInt16BigEndian(a.AsSpan(2), 0x0800);
        a[4] = 6;
        a[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(a.AsSpan(6), op);
        WriteMac(a.AsSpan(8), sha);
        BinaryPrimitives.WriteUInt32BigEndian(a.AsSpan(14), spa);
        WriteMac(a.AsSpan(18), tha);
        BinaryPrimitives.WriteUInt32BigEndian(a.AsSpan(24), tpa);
        return a;
    }

    /// <summary>VXLAN encapsulation of <paramref name="inner"/> (a whole Ethernet frame) on the underlay.</summary>
    public static byte[] Vxlan(ulong outerDst, ulong outerSrc, uint srcVtep, uint dstVtep, uint vni, ReadOnlySpan<byte> inner,
                               ushort srcPort = 50000, byte flags = 0x08)
    {
        var v = new byte[8 + inner.Length];
        v[0] = flags;
        v[4] = (byte)(vni >> 16); v[5] = (byte)(vni >> 8); v[6] = (byte)vni;
        inner.CopyTo(v.AsSpan(8));
        return Ethernet(outerDst, outerSrc, 0x0800, Ipv4(srcVtep, dstVtep, IpProto.Udp, Udp(srcPort, 4789, v)));
    }

    /// <summary>Geneve encapsulation with <paramref name="options"/> (a multiple of 4 bytes) of an Ethernet frame.</summary>
    public static byte[] Geneve(ulong outerDst, ulong outerSrc, uint srcVtep, uint dstVtep, uint vni, ReadOnlySpan<byte> inner,
                                ReadOnlySpan<byte> options = default, bool critical = false, ushort protocol = 0x6558, byte version = 0)
    {
        if (options.Length % 4 != 0 || options.Length > 252) throw new ArgumentException("Geneve options are 0..252 bytes in 4-byte units");
        var g = new byte[8 + options.Length + inner.Length];
        g[0] = (byte)((version << 6) | (options.Length / 4));
        g[1] = critical ? (byte)0x40 : (byte)0;
        BinaryPrimitives.WriteUInt16BigEndian(g.AsSpan(2), protocol);
        g[4] = (byte)(vni >> 16); g[5] = (byte)(vni >> 8); g[6] = (byte)vni;
        options.CopyTo(g.AsSpan(8));
        inner.CopyTo(g.AsSpan(8 + options.Length));
        return Ethernet(outerDst, outerSrc, 0x0800, Ipv4(srcVtep, dstVtep, IpProto.Udp, Udp(50001, 6081, g)));
    }

    /// <summary>Ones' complement checksum of <paramref name="data"/> (the value to store in the checksum field).</summary>
    public static ushort Checksum(ReadOnlySpan<byte> data, uint initial = 0)
    {
        uint sum = initial;
        int i = 0;
        for (; i + 1 < data.Length; i += 2) sum += (uint)(data[i] << 8 | data[i + 1]);
        if (i < data.Length) sum += (uint)(data[i] << 8);
        while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    private static void FixL4Checksum(byte[] ip, int l4off, int csumOff, uint src, uint dst, byte proto)
    {
        int len = ip.Length - l4off;
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(l4off + csumOff), 0);
        uint pseudo = (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF) + proto + (uint)len;
        ushort c = Checksum(ip.AsSpan(l4off, len), pseudo);
        if (proto == IpProto.Udp && c == 0) c = 0xFFFF;
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(l4off + csumOff), c);
    }

    public static void WriteMac(Span<byte> dst, ulong mac)
    {
        for (int i = 0; i < 6; i++) dst[i] = (byte)(mac >> (40 - 8 * i));
    }

    public static ulong ReadMac(ReadOnlySpan<byte> src)
    {
        ulong m = 0;
        for (int i = 0; i < 6; i++) m = m << 8 | src[i];
        return m;
    }

    public static uint Ip(string dotted) => BinaryPrimitives.ReadUInt32BigEndian(System.Net.IPAddress.Parse(dotted).GetAddressBytes());

    public static ulong Mac(string text) => Convert.ToUInt64(text.Replace(":", "").Replace("-", ""), 16);

    /// <summary>Pads or fills a payload of <paramref name="n"/> bytes with a recognisable pattern.</summary>
    public static byte[] Payload(int n, int seed = 0)
    {
        var p = new byte[Math.Max(0, n)];
        for (int i = 0; i < p.Length; i++) p[i] = (byte)(i * 7 + seed);
        return p;
    }
}
