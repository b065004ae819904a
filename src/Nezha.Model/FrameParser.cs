using System.Buffers.Binary;
using Nezha.Common.Registers;

namespace Nezha.Verify.Model;

/// <summary>
/// Header checks of datapath-spec section 4.2 (Ethernet, IPv4, L4), the tunnel headers of 4.4 and the ARP
/// header of 4.5, each one step of the spec's check order. Every method returns the drop reason of the first
/// failing check (<see cref="DropReason.None"/> when all pass) and fills <see cref="PacketInfo"/>.
/// The caller sequences the steps (vNIC-table checks interleave with them).
/// </summary>
internal readonly ref struct FrameParser
{
    public const ushort EtherTypeIpv4 = 0x0800;
    public const ushort EtherTypeArp = 0x0806;
    public const ushort EtherTypeVlan = 0x8100;
    public const ushort EtherTypeQinQ = 0x88A8;
    public const ushort VxlanPort = 4789;
    public const ushort GenevePort = 6081;
    public const ushort GeneveProtoEth = 0x6558;
    public const byte ProtoIcmp = 1;
    public const byte ProtoTcp = 6;
    public const byte ProtoUdp = 17;
    public const byte TcpFin = 0x01;
    public const byte TcpRst = 0x04;

    private readonly ReadOnlySpan<byte> _f;
    private readonly int _hdrBytes;

    public FrameParser(ReadOnlySpan<byte> frame, int hdrBytes)
    {
        _f = frame;
        _hdrBytes = hdrBytes;
    }

    /// <summary>need(off, n) against END = <paramref name="end"/> and the header window.</summary>
    public DropReason Need(int off, int n, int end)
    {
        if (off + n > end) return DropReason.Truncated;
        if (off + n > _hdrBytes) return DropReason.HdrTooLong;
        return DropReason.None;
    }

    public static ulong ReadMac(ReadOnlySpan<byte> b)
        => ((ulong)b[0] << 40) | ((ulong)b[1] << 32) | ((ulong)b[2] << 24) | ((ulong)b[3] << 16) | ((ulong)b[4] << 8) | b[5];

    private ushort U16(int off) => BinaryPrimitives.ReadUInt16BigEndian(_f.Slice(off, 2));
    private uint U32(int off) => BinaryPrimitives.ReadUInt32BigEndian(_f.Slice(off, 4));
    private uint U24(int off) => ((uint)_f[off] << 16) | ((uint)_f[off + 1] << 8) | _f[off + 2];

    /// <summary>
    /// Ethernet at <paramref name="e"/>: need(e,14); one optional 802.1Q tag only if <paramref name="allowTag"/>
    /// (the outer frame on the net port); a second tag, or any 0x8100 where no tag is allowed (host port, inner
    /// frame), is UNSUPPORTED. Sets EthOff, EthDst, EthSrc, EtherType (after the tag) and L3Off. The caller
    /// checks the resulting EtherType.
    /// </summary>
    public DropReason Ethernet(int e, int end, bool allowTag, ref PacketInfo p)
    {
        var r = Need(e, 14, end);
        if (r != DropReason.None) return r;
        p.EthOff = e;
        p.EthDst = ReadMac(_f.Slice(e, 6));
        p.EthSrc = ReadMac(_f.Slice(e + 6, 6));
        ushort et = U16(e + 12);
        int l3 = e + 14;
        if (et == EtherTypeVlan)
        {
            if (!allowTag) return DropReason.Unsupported;
            r = Need(e, 18, end);
            if (r != DropReason.None) return r;
            et = U16(e + 16);
            if (et == EtherTypeVlan || et == EtherTypeQinQ) return DropReason.Unsupported;
            l3 = e + 18;
        }
        p.EtherType = et;
        p.L3Off = l3;
        return DropReason.None;
    }

    /// <summary>
    /// IPv4 checks at <paramref name="l3"/> with the current END. Sets Proto, Sip, Dip, Tos, Frag, L4Off, IpEnd
    /// (the new END).
    /// </summary>
    public DropReason Ipv4(int l3, int end, ref PacketInfo p)
    {
        var r = Need(l3, 20, end);
        if (r != DropReason.None) return r;
        byte vihl = _f[l3];
        int ihl4 = (vihl & 0x0F) * 4;
        if ((vihl >> 4) != 4 || ihl4 < 20) return DropReason.BadIpHdr;
        r = Need(l3, ihl4, end);
        if (r != DropReason.None) return r;
        int total = U16(l3 + 2);
        if (total < ihl4 || l3 + total > end) return DropReason.BadIpLen;
        if (OnesComplementSum(_f.Slice(l3, ihl4)) != 0xFFFF) return DropReason.BadIpCsum;
        ushort fragWord = U16(l3 + 6);
        p.Frag = (fragWord & 0x2000) != 0 || (fragWord & 0x1FFF) != 0;
        p.Proto = _f[l3 + 9];
        p.Tos = _f[l3 + 1];
        p.Sip = U32(l3 + 12);
        p.Dip = U32(l3 + 16);
        p.L4Off = l3 + ihl4;
        p.IpEnd = l3 + total;
        return DropReason.None;
    }

    /// <summary>L4 parsing for a non-fragment (END = the IP packet's end). Sets ports and TCP flags.</summary>
    public DropReason L4(ref PacketInfo p)
    {
        int o = p.L4Off, end = p.IpEnd;
        p.Sport = p.Dport = p.KeySport = p.KeyDport = 0;
        p.TcpFlags = 0;
        DropReason r;
        switch (p.Proto)
        {
            case ProtoTcp:
                r = Need(o, 20, end);
                if (r != DropReason.None) return r;
                p.Sport = p.KeySport = U16(o);
                p.Dport = p.KeyDport = U16(o + 2);
                p.TcpFlags = _f[o + 13];
                break;
            case ProtoUdp:
                r = Need(o, 8, end);
                if (r != DropReason.None) return r;
                p.Sport = p.KeySport = U16(o);
                p.Dport = p.KeyDport = U16(o + 2);
                break;
            case ProtoIcmp:
                r = Need(o, 8, end);
                if (r != DropReason.None) return r;
                byte type = _f[o];
                if (type == 8 || type == 0)
                    p.KeySport = p.KeyDport = U16(o + 4);
                break;
        }
        return DropReason.None;
    }

    /// <summary>
    /// Net port steps 4 (after the UNDERLAY test) and 5: need(l4off, 8) for the outer UDP; the destination
    /// port selects VXLAN or Geneve (<paramref name="underlay"/> set for any other port); then the outer
    /// Ethernet destination must be <paramref name="nicMac"/> (NOT_MY_MAC) and the UDP length must lie in the
    /// IP packet (BAD_UDP_LEN; from here END is the UDP end, <c>UdpEnd</c>); the tunnel header checks; a Geneve
    /// control packet (O bit) sets <paramref name="underlay"/> too. Sets Tunnel, Geneve, Vni, UdpEnd and
    /// <paramref name="innerEth"/>. Called with the outer frame's fields in <paramref name="p"/>.
    /// </summary>
    public DropReason Tunnel(ref PacketInfo p, ulong nicMac, out bool underlay, out int innerEth)
    {
        underlay = false;
        innerEth = 0;
        var r = Need(p.L4Off, 8, p.IpEnd);
        if (r != DropReason.None) return r;
        ushort dport = U16(p.L4Off + 2);
        p.OuterUdpSport = U16(p.L4Off);
        if (dport != VxlanPort && dport != GenevePort)
        {
            underlay = true;
            return DropReason.None;
        }
        if (p.EthDst != nicMac) return DropReason.NotMyMac;
        int udpLen = U16(p.L4Off + 4);
        if (udpLen < 8 || p.L4Off + udpLen > p.IpEnd) return DropReason.BadUdpLen;
        int end = p.UdpEnd = p.L4Off + udpLen;
        int t = p.L4Off + 8;
        if (dport == VxlanPort)
        {
            r = Need(t, 8, end);
            if (r != DropReason.None) return r;
            if ((_f[t] & 0x08) == 0) return DropReason.Unsupported;
            p.Vni = U24(t + 4);
            innerEth = t + 8;
        }
        else if (dport == GenevePort)
        {
            r = Need(t, 8, end);
            if (r != DropReason.None) return r;
            if ((_f[t] >> 6) != 0) return DropReason.Unsupported;
            int optlen = _f[t] & 0x3F;
            if ((_f[t + 1] & 0x40) != 0) return DropReason.Unsupported;
            if (U16(t + 2) != GeneveProtoEth) return DropReason.Unsupported;
            r = Need(t, 8 + 4 * optlen, end);
            if (r != DropReason.None) return r;
            if ((_f[t + 1] & 0x80) != 0)
            {
                underlay = true;                    // RFC 8926 3.4: a control packet is the endpoint's, never forwarded
                return DropReason.None;
            }
            p.Vni = U24(t + 4);
            p.Geneve = true;
            p.GeneveOptOff = t + 8;
            p.GeneveOptWords = optlen;
            innerEth = t + 8 + 4 * optlen;
        }
        p.Tunnel = true;
        return DropReason.None;
    }

    /// <summary>ARP header checks at L3Off (END = L): need(l3off,28), htype/ptype/hlen/plen. Sets the ARP fields.</summary>
    public DropReason Arp(ref PacketInfo p)
    {
        int a = p.L3Off;
        var r = Need(a, 28, p.Len);
        if (r != DropReason.None) return r;
        if (U16(a) != 1 || U16(a + 2) != EtherTypeIpv4 || _f[a + 4] != 6 || _f[a + 5] != 4)
            return DropReason.Unsupported;
        p.ArpOp = U16(a + 6);
        p.ArpSha = ReadMac(_f.Slice(a + 8, 6));
        p.ArpSpa = U32(a + 14);
        p.ArpTpa = U32(a + 24);
        return DropReason.None;
    }

    /// <summary>16-bit ones' complement sum (end-around carry) of an even-length byte run.</summary>
    public static ushort OnesComplementSum(ReadOnlySpan<byte> b)
    {
        uint s = 0;
        for (int i = 0; i + 1 < b.Length; i += 2)
            s += (uint)((b[i] << 8) | b[i + 1]);
        if ((b.Length & 1) != 0) s += (uint)(b[^1] << 8);
        while ((s >> 16) != 0) s = (s & 0xFFFF) + (s >> 16);
        return (ushort)s;
    }
}
