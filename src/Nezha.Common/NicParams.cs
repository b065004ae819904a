namespace Nezha.Common;

/// <summary>
/// Build parameters of <c>nezha_core</c> (datapath-spec section 1). The three named configurations are the
/// spec's table; any other combination is accepted as long as the power-of-two parameters are powers of two.
/// </summary>
public sealed record NicParams(int DataW, int VnicW, int HdrBytes, int MtuMax, int BufBytes, int SessLog2, int SessWays,
                               int MaxKicks, int AclSets, int AclRules, int Routes, int MapLog2, int MapWays)
{
    /// <summary>w8 (iCE40) column of the spec's table.</summary>
    public static NicParams W8 { get; } = new(8, 2, 128, 1600, 4096, 4, 2, 16, 2, 16, 4, 3, 4);

    /// <summary>w64 column of the spec's table.</summary>
    public static NicParams W64 { get; } = new(64, 4, 128, 9216, 32768, 8, 8, 64, 4, 256, 16, 6, 4);

    /// <summary>w512 column of the spec's table.</summary>
    public static NicParams W512 { get; } = new(512, 6, 128, 9216, 65536, 12, 8, 64, 16, 256, 64, 10, 4);

    /// <summary>Looks a configuration up by its name in the spec's table ("w8", "w64", "w512").</summary>
    public static NicParams ByName(string name) => name.ToLowerInvariant() switch
    {
        "w8" => W8,
        "w64" => W64,
        "w512" => W512,
        _ => throw new ArgumentException($"unknown configuration '{name}'", nameof(name)),
    };

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

    /// <summary>FE groups (nezha_core parameter N_GROUPS; 4 in every configuration, docs/nezha-offload.md section 6).</summary>
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
