using System.Numerics;
using Nezha.Common.Registers;
using Nezha.Verify.Model;

namespace Nezha.Tests.Modules;

/// <summary>
/// Session-entry helpers of the session module benches: the bit layouts are RtlLayouts' (rtl/include/nezha_types.vh),
/// plus hex formatting and random entries and actions built from the model's types.
/// </summary>
internal static class SessionBits
{
    public static BigInteger Key(in ModelFlowKey k) => RtlLayouts.KeyBits(k);

    /// <summary>The entry as the RTL reads it back: a compact entry's actions read as 0.</summary>
    public static BigInteger Entry(in ModelSessionEntry e) => RtlLayouts.EntryBits(e);

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
