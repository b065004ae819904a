using System.Buffers.Binary;
using Nezha.Common.Registers;

namespace Nezha.Verify.Model;

/// <summary>
/// Builds the output frames of datapath-spec 4.5 and 4.7: an Ethernet header ++ the IP packet for DELIVER, the
/// tunnel headers ++ the IP packet for ENCAP / ENCAP_GENEVE, and the 60-byte ARP reply. Callers pass the frame
/// cut at the end of the IP packet being forwarded (<c>frame[..ipEnd]</c>), so a trailer is never copied.
/// Frames for the host port are at least <see cref="MinFrame"/> bytes (zero padding). Each call allocates
/// exactly the output byte[].
/// </summary>
internal static class HeaderBuilder
{
    public const int DeliverHdrLen = 14;
    public const int EncapHdrLen = 64;
    public const int ArpReplyLen = 60;
    /// <summary>Shortest frame on m_host: the Ethernet minimum without FCS (datapath-spec 4.7, padding).</summary>
    public const int MinFrame = 60;
    public const ushort EncapUdpSrcBase = 0xC000;

    /// <summary>A copy of <paramref name="frame"/> padded with zero bytes to <see cref="MinFrame"/>.</summary>
    public static byte[] Padded(ReadOnlySpan<byte> frame)
    {
        var o = new byte[Math.Max(MinFrame, frame.Length)];
        frame.CopyTo(o);
        return o;
    }

    public static void WriteMac(Span<byte> b, ulong mac)
    {
        b[0] = (byte)(mac >> 40); b[1] = (byte)(mac >> 32); b[2] = (byte)(mac >> 24);
        b[3] = (byte)(mac >> 16); b[4] = (byte)(mac >> 8); b[5] = (byte)mac;
    }

    private static void WriteEth(Span<byte> b, ulong dst, ulong src, ushort type)
    {
        WriteMac(b, dst);
        WriteMac(b[6..], src);
        BinaryPrimitives.WriteUInt16BigEndian(b[12..], type);
    }

    /// <summary>
    /// DELIVER: Ethernet(dst, src, 0x0800) ++ the IP packet at <paramref name="l3"/> (to the end of
    /// <paramref name="frame"/>) with its ECN field set to <paramref name="ecn"/> and, when that changes it, the
    /// header checksum computed again over the whole header; padded to <see cref="MinFrame"/>.
    /// </summary>
    public static byte[] Deliver(ReadOnlySpan<byte> frame, int l3, ulong dst, ulong src, int ecn)
    {
        var o = new byte[Math.Max(MinFrame, DeliverHdrLen + frame.Length - l3)];
        WriteEth(o, dst, src, FrameParser.EtherTypeIpv4);
        frame[l3..].CopyTo(o.AsSpan(DeliverHdrLen));
        var ip = o.AsSpan(DeliverHdrLen);
        byte tos = (byte)((ip[1] & 0xFC) | (ecn & 3));
        if (tos != ip[1])
        {
            ip[1] = tos;
            var hdr = ip[..((ip[0] & 0x0F) * 4)];
            BinaryPrimitives.WriteUInt16BigEndian(hdr[10..], 0);
            BinaryPrimitives.WriteUInt16BigEndian(hdr[10..], (ushort)~FrameParser.OnesComplementSum(hdr));
        }
        return o;
    }

    /// <summary>
    /// ENCAP: Ethernet(nhMac, nicMac, 0x0800) ++ IPv4(tos = <paramref name="ecn"/>, DF, ttl 64, UDP, checksum,
    /// vtepSrc -> vtepDst) ++ UDP(0xC000 | (hash &amp; 0x3FFF) -> 4789 or 6081, csum 0) ++ tunnel header ++
    /// Ethernet(innerDst, innerSrc, 0x0800) ++ frame[strip..]. The tunnel header is VXLAN(08 00 00 00, VNI, 00)
    /// or Geneve(00 00 65 58, VNI, 00); both are 8 bytes, so the header is 64 bytes either way.
    /// </summary>
    public static byte[] Encap(ReadOnlySpan<byte> frame, int strip, ulong nhMac, ulong nicMac, uint vtepSrc, uint vtepDst,
                               uint hash, uint vni, ulong innerDst, ulong innerSrc, TunnelType tunnel, int ecn) =>
        Tunnel(frame, strip, nhMac, nicMac, vtepSrc, vtepDst, (ushort)(EncapUdpSrcBase | (hash & 0x3FFF)), vni, tunnel,
               ReadOnlySpan<byte>.Empty, innerDst, innerSrc, ecn);

    /// <summary>
    /// Geneve with an option area (the Nezha context packets, docs/nezha-offload.md section 3): as
    /// <see cref="Encap"/> with UDP source port <paramref name="udpSrc"/> and <paramref name="option"/> (a multiple
    /// of 4 bytes) after the 8-byte base header, whose option length says so.
    /// </summary>
    public static byte[] Geneve(ReadOnlySpan<byte> frame, int strip, ulong nhMac, ulong nicMac, uint vtepSrc, uint vtepDst,
                                ushort udpSrc, uint vni, ReadOnlySpan<byte> option, ulong innerDst, ulong innerSrc, int ecn) =>
        Tunnel(frame, strip, nhMac, nicMac, vtepSrc, vtepDst, udpSrc, vni, TunnelType.Geneve, option, innerDst, innerSrc, ecn);

    private static byte[] Tunnel(ReadOnlySpan<byte> frame, int strip, ulong nhMac, ulong nicMac, uint vtepSrc, uint vtepDst,
                                 ushort udpSrc, uint vni, TunnelType tunnel, ReadOnlySpan<byte> option, ulong innerDst, ulong innerSrc,
                                 int ecn)
    {
        int payload = frame.Length - strip;
        int tunLen = TunnelHeaderLen(tunnel) + option.Length;
        int innerEth = 42 + tunLen;                  // outer Ethernet 14 + IPv4 20 + UDP 8, then the tunnel header
        int hdrLen = innerEth + 14;
        var o = new byte[hdrLen + payload];
        var s = o.AsSpan();
        WriteEth(s, nhMac, nicMac, FrameParser.EtherTypeIpv4);
        var ip = s.Slice(14, 20);
        ip[0] = 0x45;
        ip[1] = (byte)(ecn & 3);                    // DSCP 0 (pipe model), ECN copied (RFC 6040 normal mode)
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + 8 + tunLen + 14 + payload));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], 0x4000);
        ip[8] = 64;
        ip[9] = FrameParser.ProtoUdp;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], vtepSrc);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], vtepDst);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~FrameParser.OnesComplementSum(ip));
        var udp = s.Slice(34, 8);
        BinaryPrimitives.WriteUInt16BigEndian(udp, udpSrc);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], tunnel == TunnelType.Geneve ? FrameParser.GenevePort : FrameParser.VxlanPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + tunLen + 14 + payload));
        WriteTunnelHeader(s.Slice(42, tunLen), tunnel, vni);
        option.CopyTo(s[(42 + TunnelHeaderLen(tunnel))..]);
        WriteEth(s.Slice(innerEth, 14), innerDst, innerSrc, FrameParser.EtherTypeIpv4);
        frame[strip..].CopyTo(s[hdrLen..]);
        return o;
    }

    public const int VxlanHdrLen = 8;
    public const int GeneveBaseHdrLen = 8;
    /// <summary>Bytes of Geneve options emitted after the base header (none in this version; a multiple of 4).</summary>
    public const int GeneveOptionBytes = 0;

    /// <summary>Length of the tunnel header that follows the outer UDP header.</summary>
    public static int TunnelHeaderLen(TunnelType tunnel) =>
        tunnel == TunnelType.Geneve ? GeneveBaseHdrLen + GeneveOptionBytes : VxlanHdrLen;

    /// <summary>
    /// The tunnel header: VXLAN 08 00 00 00 | VNI | 00 (I flag); Geneve (RFC 8926) version 0 | option length
    /// (words) | O = 0, C = 0 | protocol 0x6558 | VNI | 00, followed by its option area (empty).
    /// </summary>
    private static void WriteTunnelHeader(Span<byte> t, TunnelType tunnel, uint vni)
    {
        if (tunnel == TunnelType.Geneve)
        {
            t[0] = (byte)((t.Length - 8) / 4);       // version 0, option length in 4-byte words
            t[1] = 0;                                // O = 0, C = 0
            BinaryPrimitives.WriteUInt16BigEndian(t[2..], FrameParser.GeneveProtoEth);
        }
        else
        {
            t[0] = 0x08;
        }
        t[4] = (byte)(vni >> 16); t[5] = (byte)(vni >> 8); t[6] = (byte)vni;
    }

    /// <summary>The 60-byte ARP reply of datapath-spec 4.5.</summary>
    public static byte[] ArpReply(ulong sha, ulong answerMac, uint spa, uint tpa)
    {
        var o = new byte[ArpReplyLen];
        var s = o.AsSpan();
        WriteEth(s, sha, answerMac, FrameParser.EtherTypeArp);
        BinaryPrimitives.WriteUInt16BigEndian(s[14..], 1);
        BinaryPrimitives.WriteUInt16BigEndian(s[16..], FrameParser.EtherTypeIpv4);
        s[18] = 6;
        s[19] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(s[20..], 2);
        WriteMac(s[22..], answerMac);
        BinaryPrimitives.WriteUInt32BigEndian(s[28..], tpa);
        WriteMac(s[32..], sha);
        BinaryPrimitives.WriteUInt32BigEndian(s[38..], spa);
        // bytes 42..59: 18 zero bytes
        return o;
    }
}
