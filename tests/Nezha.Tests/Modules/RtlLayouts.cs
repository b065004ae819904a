using System.Numerics;
using Nezha.Verify.Model;

namespace Nezha.Tests.Modules;

/// <summary>
/// The bit layouts of rtl/include/nezha_types.vh as the module benches drive and read them: the session key,
/// action and entry (NZ_KEY_*, NZ_ACT_*, NZ_E_*) and the ACL rule word (NZ_R_*), built from the model's values.
/// </summary>
internal static class RtlLayouts
{
    public const int RuleW = 151, EntryW = 401;

    // NZ_R_*
    private const int RValid = 0, RDir = 1, RAllow = 2, RProto = 3, RSrc = 11, RSrcLen = 43, RDst = 49, RDstLen = 81,
        RSpLo = 87, RSpHi = 103, RDpLo = 119, RDpHi = 135;

    /// <summary>Session key {vni, proto, lo_ip, hi_ip, lo_port, hi_port}.</summary>
    public static BigInteger KeyBits(in ModelFlowKey k) =>
        ((BigInteger)k.Vni << 104) | ((BigInteger)k.Proto << 96) | ((BigInteger)k.LoIp << 64) |
        ((BigInteger)k.HiIp << 32) | ((BigInteger)k.LoPort << 16) | k.HiPort;

    /// <summary>Session action {mac, vtep, vnic, type}.</summary>
    public static BigInteger ActBits(ModelSessionAction a) =>
        (BigInteger)((uint)a.Type & 3) | ((BigInteger)(uint)(a.Vnic & 0xFF) << 2) | ((BigInteger)a.Vtep << 10) |
        ((BigInteger)(a.Mac & 0xFFFF_FFFF_FFFFUL) << 42);

    /// <summary>A session entry as session_table reads it out (a compact entry's actions read as 0).</summary>
    public static BigInteger EntryBits(in ModelSessionEntry e) =>
        e.Compact && (e.Act0 != default || e.Act1 != default) ? EntryBits(e with { Act0 = default, Act1 = default }) :
        (e.Valid ? BigInteger.One : 0) | (e.InitDir ? 2 : 0) | (e.Est ? 4 : 0) | (e.Fin0 ? 8 : 0) | (e.Fin1 ? 16 : 0) |
        ((BigInteger)e.Ts << 5) | ((BigInteger)e.Pkts << 21) | ((BigInteger)(e.Bytes & ModelSessionEntry.BytesMask) << 53) |
        (ActBits(e.Act0) << 93) | (ActBits(e.Act1) << 183) | (KeyBits(e.Key) << 273);

    /// <summary>The ACL rule word of a model rule (prefixes as the model stores them, masked); the lengths may be
    /// given apart (a length > 32 acts as 32 in the RTL).</summary>
    public static BigInteger RuleBits(in ModelAclRule r, int? srcLen = null, int? dstLen = null) =>
        (r.Valid ? BigInteger.One << RValid : 0) | ((BigInteger)(r.Dir & 1) << RDir) | (r.Allow ? BigInteger.One << RAllow : 0) |
        ((BigInteger)r.Proto << RProto) | ((BigInteger)r.Src << RSrc) | ((BigInteger)(srcLen ?? r.SrcLen) << RSrcLen) |
        ((BigInteger)r.Dst << RDst) | ((BigInteger)(dstLen ?? r.DstLen) << RDstLen) | ((BigInteger)r.SportLo << RSpLo) |
        ((BigInteger)r.SportHi << RSpHi) | ((BigInteger)r.DportLo << RDpLo) | ((BigInteger)r.DportHi << RDpHi);

    /// <summary>Little-endian bytes of <paramref name="v"/>, exactly <paramref name="bits"/> wide.</summary>
    public static byte[] Bytes(BigInteger v, int bits)
    {
        var b = new byte[(bits + 7) / 8];
        var raw = v.ToByteArray(isUnsigned: true, isBigEndian: false);
        Array.Copy(raw, b, Math.Min(raw.Length, b.Length));
        return b;
    }

    /// <summary>16 DATA words as the 512-bit little-endian image of a table port (word n at bits 32n+31:32n).</summary>
    public static byte[] Image(ReadOnlySpan<uint> words)
    {
        var b = new byte[64];
        for (int w = 0; w < words.Length && w < 16; w++) BitConverter.TryWriteBytes(b.AsSpan(4 * w), words[w]);
        return b;
    }

    /// <summary>The 16 DATA words of a 512-bit image.</summary>
    public static uint[] Words(ReadOnlySpan<byte> image)
    {
        var d = new uint[16];
        for (int w = 0; w < 16 && 4 * w + 4 <= image.Length; w++) d[w] = BitConverter.ToUInt32(image.Slice(4 * w, 4));
        return d;
    }
}
