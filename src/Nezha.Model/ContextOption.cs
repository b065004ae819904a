using System.Buffers.Binary;
using Nezha.Common.Registers;

namespace Nezha.Verify.Model;

/// <summary>
/// The Nezha context, a Geneve option (docs/nezha-offload.md section 3): option header class 0xFF4E, type 0x01,
/// R 0, length 5, then 20 data bytes KIND, FLAGS, VNIC, VERSION, BE_ID, VTEP, MAC, ACT, 0.
/// </summary>
public readonly record struct ContextOption(ContextKind Kind, byte Flags, byte Vnic, byte Version, uint BeId, uint Vtep,
                                            ulong Mac, byte Act)
{
    public const ushort OptionClass = 0xFF4E;
    public const byte OptionType = 0x01;
    public const byte OptionLengthByte = 0x05;     // R = 0, length = 5 words of data
    public const int Bytes = 24;
    public const int OptionWords = Bytes / 4;
    /// <summary>Header bytes of a context packet: outer 42 + Geneve 8 + option 24 + inner Ethernet 14.</summary>
    public const int PacketHeaderLen = 88;
    public const byte FlagDirEgress = 0x01;
    public const byte FlagTunGeneve = 0x02;

    /// <summary>DIR: 1 egress (from the VM), 0 ingress (towards the VM).</summary>
    public int Dir => Flags & FlagDirEgress;

    /// <summary>TUN: the original sender used Geneve.</summary>
    public TunnelType Tun => (Flags & FlagTunGeneve) != 0 ? TunnelType.Geneve : TunnelType.Vxlan;

    public static byte MakeFlags(int dir, TunnelType tun) =>
        (byte)((dir != 0 ? FlagDirEgress : 0) | (tun == TunnelType.Geneve ? FlagTunGeneve : 0));

    /// <summary>The 24 option bytes in wire order.</summary>
    public byte[] ToBytes()
    {
        var o = new byte[Bytes];
        var s = o.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(s, OptionClass);
        s[2] = OptionType;
        s[3] = OptionLengthByte;
        s[4] = (byte)Kind;
        s[5] = Flags;
        s[6] = Vnic;
        s[7] = Version;
        BinaryPrimitives.WriteUInt32BigEndian(s[8..], BeId);
        BinaryPrimitives.WriteUInt32BigEndian(s[12..], Vtep);
        HeaderBuilder.WriteMac(s[16..], Mac);
        s[22] = Act;
        return o;
    }

    /// <summary>
    /// Looks at the first Geneve option (<paramref name="opt"/> = the option area, <paramref name="optWords"/> its
    /// length in words). Returns false when it is not the context (no option, other class or type); otherwise
    /// <paramref name="bad"/> tells whether it fails the CTX_BAD checks: the option does not fit in the area
    /// (fewer than 6 words), R/length byte != 0x05, KIND not 1..4, an egress VERDICT with ACT not 2 or 3.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> opt, int optWords, out ContextOption ctx, out bool bad)
    {
        ctx = default;
        bad = false;
        if (optWords < 1) return false;
        if (BinaryPrimitives.ReadUInt16BigEndian(opt) != OptionClass || opt[2] != OptionType) return false;
        if (optWords < OptionWords || opt[3] != OptionLengthByte) { bad = true; return true; }
        byte kind = opt[4];
        ctx = new ContextOption((ContextKind)kind, opt[5], opt[6], opt[7],
                                BinaryPrimitives.ReadUInt32BigEndian(opt[8..]), BinaryPrimitives.ReadUInt32BigEndian(opt[12..]),
                                FrameParser.ReadMac(opt[16..]), opt[22]);
        if (kind < 1 || kind > 4) { bad = true; return true; }
        if (ctx.Kind == ContextKind.Verdict && ctx.Dir == 1 &&
            ctx.Act != (byte)ActionType.Encap && ctx.Act != (byte)ActionType.EncapGeneve)
            bad = true;
        return true;
    }
}

/// <summary>The context packets a NIC emits: REQUEST, VERDICT (edit of a stored frame), PROBE and PROBE_REPLY.</summary>
internal static class ContextFrames
{
    public const ushort ProbeUdpSource = 0xC000;

    /// <summary>
    /// A context packet: Ethernet(nh, nic) | IPv4(tos <paramref name="ecn"/>, src -> dst) | UDP(udpSrc -> 6081) |
    /// Geneve(opt len 6, VNI) | option | Ethernet(innerDst, innerSrc, 0x0800) | frame[strip..] (the caller cuts
    /// the frame at the end of the IP packet it forwards).
    /// </summary>
    public static byte[] Build(ReadOnlySpan<byte> frame, int strip, ModelConfig cfg, uint dst, ushort udpSrc, uint vni,
                               in ContextOption ctx, ulong innerDst, ulong innerSrc, int ecn) =>
        HeaderBuilder.Geneve(frame, strip, cfg.NhMac, cfg.NicMac, cfg.VtepIp, dst, udpSrc, vni, ctx.ToBytes(), innerDst, innerSrc, ecn);

    /// <summary>The PROBE of a round at <paramref name="tick"/> to <paramref name="member"/>.</summary>
    public static byte[] Probe(ModelConfig cfg, uint member, ushort tick) =>
        Build(ReadOnlySpan<byte>.Empty, 0, cfg, member, ProbeUdpSource, 0,
              new ContextOption(ContextKind.Probe, 0, 0, 0, cfg.VtepIp, tick, 0, 0), 0, 0, 0);
}
