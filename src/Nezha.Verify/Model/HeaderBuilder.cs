using System.Buffers.Binary;

namespace Nezha.Verify.Model;

/// <summary>
/// Builds the output frames of datapath-spec 4.5 and 4.7: <c>hdr[0..M) ++ frame[strip..L)</c> for DELIVER
/// (M = 14) and ENCAP (M = 64), and the 60-byte ARP reply. Each call allocates exactly the output byte[].
/// </summary>
internal static class HeaderBuilder
{
    public const int DeliverHdrLen = 14;
    public const int EncapHdrLen = 64;
    public const int ArpReplyLen = 60;
    public const ushort EncapUdpSrcBase = 0xC000;

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

    /// <summary>DELIVER: Ethernet(dst, src, 0x0800) ++ frame[strip..L).</summary>
    public static byte[] Deliver(ReadOnlySpan<byte> frame, int strip, ulong dst, ulong src)
    {
        var o = new byte[DeliverHdrLen + frame.Length - strip];
        WriteEth(o, dst, src, FrameParser.EtherTypeIpv4);
        frame[strip..].CopyTo(o.AsSpan(DeliverHdrLen));
        return o;
    }

    /// <summary>
    /// ENCAP: Ethernet(nhMac, nicMac, 0x0800) ++ IPv4(DF, ttl 64, UDP, checksum, vtepSrc -> vtepDst) ++
    /// UDP(0xC000 | (hash &amp; 0x3FFF) -> 4789, csum 0) ++ VXLAN(08 00 00 00, VNI, 00) ++
    /// Ethernet(innerDst, innerSrc, 0x0800) ++ frame[strip..L).
    /// </summary>
    public static byte[] Encap(ReadOnlySpan<byte> frame, int strip, ulong nhMac, ulong nicMac, uint vtepSrc, uint vtepDst,
                               uint hash, uint vni, ulong innerDst, ulong innerSrc)
    {
        int payload = frame.Length - strip;
        var o = new byte[EncapHdrLen + payload];
        var s = o.AsSpan();
        WriteEth(s, nhMac, nicMac, FrameParser.EtherTypeIpv4);
        var ip = s.Slice(14, 20);
        ip[0] = 0x45;
        ip[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(50 + payload));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], 0x4000);
        ip[8] = 64;
        ip[9] = FrameParser.ProtoUdp;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], vtepSrc);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], vtepDst);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~FrameParser.OnesComplementSum(ip));
        var udp = s.Slice(34, 8);
        BinaryPrimitives.WriteUInt16BigEndian(udp, (ushort)(EncapUdpSrcBase | (hash & 0x3FFF)));
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], FrameParser.VxlanPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(30 + payload));
        var vx = s.Slice(42, 8);
        vx[0] = 0x08;
        vx[4] = (byte)(vni >> 16); vx[5] = (byte)(vni >> 8); vx[6] = (byte)vni;
        WriteEth(s.Slice(50, 14), innerDst, innerSrc, FrameParser.EtherTypeIpv4);
        frame[strip..].CopyTo(s[EncapHdrLen..]);
        return o;
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
