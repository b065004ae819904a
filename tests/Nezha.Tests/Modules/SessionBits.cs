using System.Numerics;
using Nezha.Common.Registers;
using Nezha.Verify.Model;

namespace Nezha.Tests.Modules;

/// <summary>
/// The bit layouts of rtl/nezha_types.vh for the session module benches: key (128 bits), action (90 bits) and the
/// 401-bit session entry, built from the model's types.
/// </summary>
internal static class SessionBits
{
    public static BigInteger Key(in ModelFlowKey k) =>
        ((BigInteger)k.Vni << 104) | ((BigInteger)k.Proto << 96) | ((BigInteger)k.LoIp << 64) |
        ((BigInteger)k.HiIp << 32) | ((BigInteger)k.LoPort << 16) | k.HiPort;

    public static BigInteger Act(ModelSessionAction a) =>
        (BigInteger)((uint)a.Type & 3) | ((BigInteger)(uint)(a.Vnic & 0xFF) << 2) | ((BigInteger)a.Vtep << 10) |
        ((BigInteger)(a.Mac & 0xFFFF_FFFF_FFFFUL) << 42);

    /// <summary>The entry as the RTL reads it back: a compact entry's actions read as 0.</summary>
    public static BigInteger Entry(in ModelSessionEntry e) =>
        e.Compact && (e.Act0 != default || e.Act1 != default) ? Entry(e with { Act0 = default, Act1 = default }) :
        (e.Valid ? BigInteger.One : 0) | (e.InitDir ? 2 : 0) | (e.Est ? 4 : 0) | (e.Fin0 ? 8 : 0) | (e.Fin1 ? 16 : 0) |
        ((BigInteger)e.Ts << 5) | ((BigInteger)e.Pkts << 21) | ((BigInteger)(e.Bytes & ModelSessionEntry.BytesMask) << 53) |
        (Act(e.Act0) << 93) | (Act(e.Act1) << 183) | (Key(e.Key) << 273);

    public static string Hex(BigInteger v) => v.ToString("X102");

    public static ModelSessionAction RandomAction(Random rnd) =>
        new((ActionType)rnd.Next(4), rnd.Next(256), (uint)rnd.NextInt64(1L << 32), (ulong)rnd.NextInt64(1L << 48));

    /// <summary>
    /// A valid entry with random state, counters and actions: both FINs with probability 1/<paramref name="closingOdds"/>,
    /// else each with 1/<paramref name="finOdds"/>; compact with probability <paramref name="compactShare"/>.
    /// </summary>
    public static ModelSessionEntry RandomEntry(Random rnd, in ModelFlowKey key, ushort ts, double compactShare,
                                                int closingOdds = 7, int finOdds = 5)
    {
        bool closing = rnd.Next(closingOdds) == 0;
        return new ModelSessionEntry
        {
            Valid = true,
            Compact = rnd.NextDouble() < compactShare,
            InitDir = rnd.Next(2) == 1,
            Est = rnd.Next(2) == 1,
            Fin0 = closing || rnd.Next(finOdds) == 0,
            Fin1 = closing || rnd.Next(finOdds) == 0,
            Ts = ts,
            Key = key,
            Pkts = (uint)rnd.NextInt64(1L << 32),
            Bytes = (ulong)rnd.NextInt64(1L << 40),
            Act0 = RandomAction(rnd),
            Act1 = RandomAction(rnd),
            Hash = key.Hash(),
        };
    }
}
