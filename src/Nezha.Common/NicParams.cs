namespace Nezha.Common;

/// <summary>
/// Build parameters of <c>nezha_core</c> (datapath-spec section 1). The parameters and the named builds
/// (<see cref="W8"/>, <see cref="W64"/>, <see cref="W512"/>, <see cref="ByName"/>) are generated from
/// rtl/builds.json into NicParams.g.cs; this part adds the derived sizes and the validation. Any other
/// combination is accepted as long as the power-of-two parameters are powers of two.
/// </summary>
public sealed partial record NicParams
{
    public int NVnic => 1 << VnicW;
    public int KeepW => DataW / 8;
    public int UserW => VnicW + 8;
    public int SessBuckets => 1 << SessLog2;
    public int SessWaysLog2 => Log2(SessWays);
    public int SessCapacity => 2 * (1 << SessLog2) * SessWays;
    /// <summary>Session slots: two halves per word (SESSION read-back ENTRIES).</summary>
    public int SessSlots => 2 * SessCapacity;
    public int MapBuckets => 1 << MapLog2;
    public int MapCapacity => (1 << MapLog2) * MapWays;
    public int AclEntries => AclSets * AclRules;

    /// <summary>FE groups (nezha_core parameter N_GROUPS: not in rtl/builds.json, so its default 4 in every build;
    /// docs/nezha-offload.md section 6).</summary>
    public int FeGroups { get; init; } = 4;

    /// <summary>Throws when a parameter is outside what the design supports.</summary>
    public void Validate()
    {
        if (DataW < 8 || DataW % 8 != 0) throw new ArgumentException("DataW must be a multiple of 8");
        if (VnicW < 1 || VnicW > 8) throw new ArgumentException("VnicW must be 1..8");
        if (HdrBytes < 64) throw new ArgumentException("HdrBytes must be >= 64");
        if (MtuMax < 64 || MtuMax > 65535) throw new ArgumentException("MtuMax must be 64..65535");
        if (SessLog2 < 1 || SessLog2 > 16) throw new ArgumentException("SessLog2 must be 1..16");
        if (SessWays < 1 || (SessWays & (SessWays - 1)) != 0) throw new ArgumentException("SessWays must be a power of 2");
        if (MaxKicks < 1) throw new ArgumentException("MaxKicks must be >= 1");
        if (AclSets < 1 || AclSets > 256 || AclRules < 1) throw new ArgumentException("bad ACL size");
        if (Routes < 1) throw new ArgumentException("Routes must be >= 1");
        if (MapLog2 < 0 || MapLog2 > 24 || MapWays < 1) throw new ArgumentException("bad mapping size");
    }

    private static int Log2(int v)
    {
        int r = 0;
        while ((1 << r) < v) r++;
        return r;
    }
}
