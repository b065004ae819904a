using System.Buffers.Binary;
using static Nezha.Verify.Testbench.FrameBuilder;

namespace Nezha.Verify.Testbench;

/// <summary>
/// Nezha context packets built byte by byte from docs/nezha-offload.md section 3, for stimulus: independent
/// of the golden model's builder, so that a misreading of the format in either shows as a mismatch.
/// </summary>
public static class ContextPackets
{
    public const int Request = 1, Verdict = 2, Probe = 3, ProbeReply = 4;

    /// <summary>The 24-byte option (header and 20 data bytes); <paramref name="lengthByte"/> other than 5 makes it malformed.</summary>
    public static byte[] Option(int kind, int flags, int vnic, int version, uint beId, uint vtep = 0, ulong mac = 0, int act = 0,
                                byte lengthByte = 5)
    {
        var o = new byte[24];
        BinaryPrimitives.WriteUInt16BigEndian(o, 0xFF4E);
        o[2] = 0x01;
        o[3] = lengthByte;
        o[4] = (byte)kind;
        o[5] = (byte)flags;
        o[6] = (byte)vnic;
        o[7] = (byte)version;
        BinaryPrimitives.WriteUInt32BigEndian(o.AsSpan(8), beId);
        BinaryPrimitives.WriteUInt32BigEndian(o.AsSpan(12), vtep);
        WriteMac(o.AsSpan(16), mac);
        o[22] = (byte)act;
        return o;
    }

    /// <summary>A Geneve packet from VTEP <paramref name="src"/> to <paramref name="dst"/> whose option area is <paramref name="option"/>.</summary>
    public static byte[] Packet(ulong dstMac, ulong srcMac, uint src, uint dst, uint vni, byte[] option, byte[] inner) =>
        Geneve(dstMac, srcMac, src, dst, vni, inner, option);
}
