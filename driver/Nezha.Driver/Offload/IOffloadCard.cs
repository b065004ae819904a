namespace Nezha.Driver.Offload;

/// <summary>An offload entry as the controller sees it (docs/nezha-offload.md section 6, block OFFLOAD).</summary>
/// <param name="Mode">0 LOCAL, 1 BE, 2 FE, 3 DRAIN.</param>
public sealed record OffloadState(int Mode, int Group, int Version, int BeVnic, uint BeVtep, bool Compact = false)
{
    public const int Local = 0, Be = 1, Fe = 2, Drain = 3;
    public static readonly OffloadState LocalEntry = new(Local, 0, 0, 0, 0);
}

/// <summary>An FE group as the controller sees it (block FE_GROUP); <see cref="AliveMask"/> is read-only.</summary>
public sealed record FeGroupState(IReadOnlyList<uint> Members, int AliveMask = 0)
{
    public static readonly FeGroupState Empty = new(Array.Empty<uint>());
}

/// <summary>
/// The offload registers of one card, as the controller needs them. <see cref="NicOffloadCard"/> implements it
/// over <see cref="NicDriver"/>; tests use fakes.
/// </summary>
public interface IOffloadCard
{
    int Groups { get; }
    OffloadState ReadOffload(int vnic);
    void WriteOffload(int vnic, OffloadState e);
    FeGroupState ReadFeGroup(int group);
    void WriteFeGroup(int group, FeGroupState g);
    /// <summary>Probe interval and timeout, in ticks (section 5).</summary>
    void SetLiveness(int intervalTicks, int timeoutTicks);
}
