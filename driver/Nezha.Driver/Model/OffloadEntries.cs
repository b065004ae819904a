using Nezha.Common.Registers;

namespace Nezha.Driver;

/// <summary>
/// A vNIC's offload entry (OFFLOAD block, docs/nezha-offload.md sections 1 and 6). LOCAL: a normal vNIC. BE: the
/// vNIC lives here and new flows are decided by FE group <paramref name="Group"/>. FE: this vNIC table entry is
/// a copy of vNIC <paramref name="BeVnic"/> of the back end at <paramref name="BeVtep"/>. <paramref name="Version"/>
/// is the vNIC's table version (requests and verdicts must carry it). <paramref name="Compact"/> (BE, DRAIN):
/// accepted verdicts insert compact session entries, without actions (docs/nezha-offload.md section 8).
/// </summary>
public sealed record OffloadEntry(OffloadMode Mode, int Group, byte Version, int BeVnic, uint BeVtep, bool Compact = false)
{
    /// <summary>A normal vNIC (the reset state).</summary>
    public static OffloadEntry Local { get; } = new(OffloadMode.Local, 0, 0, 0, 0);

    /// <summary>The back end of an offloaded vNIC, decided by FE group <paramref name="group"/>.</summary>
    public static OffloadEntry Backend(int group, byte version, bool compact = false) =>
        new(OffloadMode.Be, group, version, 0, 0, compact);

    /// <summary>A back end being reverted: it no longer redirects new flows but still accepts verdicts of
    /// <paramref name="group"/> with <paramref name="version"/> (those already on their way).</summary>
    public static OffloadEntry Draining(int group, byte version) => new(OffloadMode.Drain, group, version, 0, 0);

    /// <summary>An FE copy of vNIC <paramref name="beVnic"/> of the back end at <paramref name="beVtep"/>.</summary>
    public static OffloadEntry FrontendCopy(uint beVtep, int beVnic, byte version) => new(OffloadMode.Fe, 0, version, beVnic, beVtep);
}

/// <summary>An FE group: up to 4 member VTEP addresses (COUNT = the number given).</summary>
public sealed record FeGroupEntry(int Count, uint Vtep0, uint Vtep1, uint Vtep2, uint Vtep3)
{
    public const int MaxMembers = 4;

    /// <summary>The group of these members (0..4 addresses).</summary>
    public static FeGroupEntry Of(params uint[] members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Length > MaxMembers)
            throw new ArgumentException($"an FE group has at most {MaxMembers} members", nameof(members));
        uint M(int i) => i < members.Length ? members[i] : 0;
        return new FeGroupEntry(members.Length, M(0), M(1), M(2), M(3));
    }

    /// <summary>The empty group (no member: a BE vNIC of this group uses its own slow path).</summary>
    public static FeGroupEntry Empty { get; } = new(0, 0, 0, 0, 0);

    public uint Vtep(int m) => m switch { 0 => Vtep0, 1 => Vtep1, 2 => Vtep2, 3 => Vtep3, _ => throw new ArgumentOutOfRangeException(nameof(m)) };

    /// <summary>Members 0..Count-1.</summary>
    public IReadOnlyList<uint> Members => Enumerable.Range(0, Math.Clamp(Count, 0, MaxMembers)).Select(Vtep).ToArray();
}

/// <summary>An FE group read back from the card, with its alive mask (bit m = member m alive).</summary>
public sealed record FeGroupView(int Index, FeGroupEntry Entry, int AliveMask)
{
    public bool Alive(int member) => (AliveMask >> member & 1) != 0;
}

/// <summary>Liveness timing of the FE groups: ticks between probe rounds (0 = no probes) and the timeout.</summary>
public sealed record ProbeTiming(int IntervalTicks, int TimeoutTicks);
