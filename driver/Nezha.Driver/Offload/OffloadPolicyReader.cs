using System.Text.Json;
using Nezha.Driver.Config;

namespace Nezha.Driver.Offload;

/// <summary>Reads the optional <c>"offload"</c> section of a config file into an <see cref="OffloadPolicy"/>.</summary>
internal static class OffloadPolicyReader
{
    public static OffloadPolicy? Read(ObjectReader root, ConfigErrors errors)
    {
        if (root.Optional("offload") is not { } e) return null;
        var o = new ObjectReader(e, "offload", errors,
            "sampleCycles", "offloadAbove", "revertBelow", "holdPeriods", "maxFes", "feMaxUtil", "drainCycles", "compactEntries",
            "occupancyAbove", "occupancyRevertBelow", "compactAbove");
        var d = OffloadPolicy.Default;
        var p = new OffloadPolicy(
            SampleCycles: o.Int("sampleCycles", 1000, 1L << 40, d.SampleCycles),
            OffloadAbove: Fraction(o, "offloadAbove", d.OffloadAbove),
            RevertBelow: Fraction(o, "revertBelow", d.RevertBelow),
            HoldPeriods: (int)o.Int("holdPeriods", 1, 1000, d.HoldPeriods),
            MaxFes: (int)o.Int("maxFes", 1, 4, d.MaxFes),
            FeMaxUtil: Fraction(o, "feMaxUtil", d.FeMaxUtil),
            DrainCycles: o.Int("drainCycles", 0, 1L << 32, d.DrainCycles),
            CompactEntries: o.Bool("compactEntries", d.CompactEntries),
            OccupancyAbove: SessionLoad(o, "occupancyAbove", d.OccupancyAbove),
            OccupancyRevertBelow: SessionLoad(o, "occupancyRevertBelow", d.OccupancyRevertBelow),
            CompactAbove: SessionLoad(o, "compactAbove", d.CompactAbove));
        if (o.Failed) return null; // reported; the checks between fields would compare fallbacks
        if (p.Problem() is { } problem) throw errors.At(o.Child(problem.Field), problem.Problem);
        return p;
    }

    private static double Fraction(ObjectReader o, string name, double fallback) =>
        Number(o, name, 1, "is not a fraction in 0..1 (utilisation, e.g. 0.6)", fallback);

    private static double SessionLoad(ObjectReader o, string name, double fallback) =>
        Number(o, name, OffloadPolicy.MaxSessionLoad, "is out of range 0..4 (session load: live sessions / session-table words, e.g. 0.85)", fallback);

    private static double Number(ObjectReader o, string name, double max, string outOfRange, double fallback)
    {
        if (o.Optional(name) is not { } e) return fallback;
        return o.Field(() =>
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out double v) || double.IsNaN(v))
                throw o.Errors.At(o.Child(name), $"{ObjectReader.Raw(e)} is not a number");
            if (v < 0 || v > max) throw o.Errors.At(o.Child(name), FormattableString.Invariant($"{v} {outOfRange}"));
            return v;
        }, fallback);
    }
}
