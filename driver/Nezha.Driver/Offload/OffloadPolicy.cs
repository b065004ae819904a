namespace Nezha.Driver.Offload;

/// <summary>
/// Thresholds of the offload controller (docs/nezha-offload.md section 7; the optional <c>"offload"</c> section
/// of a config file, see configs/README.md). Utilisations are slow-path busy cycles / cycles, 0..1. Session loads
/// are live sessions / session-table words (<see cref="NicLoad.SessionLoad"/>): the fraction of the table the
/// sessions would take as full entries, above 1 on a BE that holds compact entries (at most 2).
/// </summary>
/// <param name="SampleCycles">cycles between two samples of every NIC's counters (one period).</param>
/// <param name="OffloadAbove">a NIC whose utilisation stays above this for <paramref name="HoldPeriods"/> periods offloads its heaviest vNIC.</param>
/// <param name="RevertBelow">an offloaded vNIC is taken back when its BE would stay below this with the vNIC's FE work added
/// back, for <paramref name="HoldPeriods"/> periods. Must be below <paramref name="OffloadAbove"/> (hysteresis).</param>
/// <param name="HoldPeriods">consecutive periods a condition must hold before anything is done.</param>
/// <param name="MaxFes">FEs per offloaded vNIC, 1..4.</param>
/// <param name="FeMaxUtil">a NIC is an FE candidate only while its own utilisation is below this.</param>
/// <param name="DrainCycles">cycles a reverting BE keeps accepting verdicts already on their way (MODE = DRAIN) before it
/// is LOCAL again: more than a detour's round trip (<see cref="OffloadExecutor.DrainCycles"/>); 0 reverts at once.</param>
/// <param name="CompactEntries">every offload keeps compact session entries on the BE (docs/nezha-offload.md section 8): about
/// twice the flows per session word, the egress action of an established flow recomputed from the BE's routes and mappings.
/// False lets <paramref name="CompactAbove"/> choose per offload.</param>
/// <param name="OccupancyAbove">a NIC whose session load stays above this for <paramref name="HoldPeriods"/> periods offloads its
/// local vNIC that creates the most sessions even if its slow path is below <paramref name="OffloadAbove"/> (a memory-triggered
/// offload, always compact: in the first-packet mode the BE still keeps one full entry per flow, so it would free nothing).
/// In (0, 4]: above 1 the trigger is off on a NIC with full entries only (its session load cannot exceed 1), above 2 on
/// every NIC.</param>
/// <param name="OccupancyRevertBelow">an offloaded vNIC is taken back only while its BE's session load is also below this, so
/// that a revert (new flows in full entries again) never comes while the flows would not fit as full entries. Must be
/// below <paramref name="OccupancyAbove"/> (hysteresis).</param>
/// <param name="CompactAbove">an offload decided while the BE's session load is at or above this keeps compact entries; 0..4
/// (0: every offload is compact, as with <paramref name="CompactEntries"/>).</param>
public sealed record OffloadPolicy(
    long SampleCycles = 250_000,
    double OffloadAbove = 0.6,
    double RevertBelow = 0.3,
    int HoldPeriods = 3,
    int MaxFes = 4,
    double FeMaxUtil = 0.5,
    long DrainCycles = 5_000,
    bool CompactEntries = false,
    double OccupancyAbove = 0.85,
    double OccupancyRevertBelow = 0.5,
    double CompactAbove = 0.5)
{
    /// <summary>The largest session load a threshold may name: a session word holds at most two compact entries, so loads
    /// stay at or below 2; up to 4 leaves room to turn the memory trigger off.</summary>
    public const double MaxSessionLoad = 4;

    public static OffloadPolicy Default { get; } = new();

    /// <summary>The first thing wrong with the policy (field name and reason), or null.</summary>
    public (string Field, string Problem)? Problem()
    {
        static string I(FormattableString f) => FormattableString.Invariant(f);
        if (SampleCycles < 1000) return ("sampleCycles", I($"{SampleCycles} is below 1000"));
        if (OffloadAbove is <= 0 or > 1) return ("offloadAbove", I($"{OffloadAbove} is not in (0, 1]"));
        if (RevertBelow < 0 || RevertBelow >= OffloadAbove)
            return ("revertBelow", I($"{RevertBelow} must be at least 0 and below offloadAbove ({OffloadAbove}), or the controller would flap"));
        if (HoldPeriods is < 1 or > 1000) return ("holdPeriods", I($"{HoldPeriods} is out of range 1..1000"));
        if (MaxFes is < 1 or > 4) return ("maxFes", I($"{MaxFes} is out of range 1..4 (an FE group holds 4)"));
        if (FeMaxUtil is <= 0 or > 1) return ("feMaxUtil", I($"{FeMaxUtil} is not in (0, 1]"));
        if (DrainCycles is < 0 or > 1L << 32) return ("drainCycles", I($"{DrainCycles} is out of range 0..2^32"));
        // "is not (...)" also rejects NaN
        if (OccupancyAbove is not (> 0 and <= MaxSessionLoad)) return ("occupancyAbove", I($"{OccupancyAbove} is not in (0, 4]"));
        if (OccupancyRevertBelow is not (>= 0) || OccupancyRevertBelow >= OccupancyAbove)
            return ("occupancyRevertBelow", I($"{OccupancyRevertBelow} must be at least 0 and below occupancyAbove ({OccupancyAbove}), or the controller would flap"));
        if (CompactAbove is not (>= 0 and <= MaxSessionLoad)) return ("compactAbove", I($"{CompactAbove} is not in [0, 4]"));
        return null;
    }

    public OffloadPolicy Validated()
    {
        if (Problem() is { } p) throw new ArgumentException($"{p.Field}: {p.Problem}");
        return this;
    }
}
