namespace Nezha.Driver;

/// <summary>Build parameters of a card, read from the CORE block by <see cref="NicDriver.Discover"/>.</summary>
public sealed record NicInfo(
    int DataW, int NVnic, int SessBuckets, int SessWays, int AclSets, int AclRules,
    int Routes, int MapBuckets, int MapWays, int HdrBytes, int MtuMax, int MaxKicks)
{
    /// <summary>Mapping table entries: MapBuckets * MapWays.</summary>
    public int MapEntries => MapBuckets * MapWays;
    /// <summary>Session table words over both banks: the number of full entries it holds.</summary>
    public int SessionEntries => 2 * SessBuckets * SessWays;
    /// <summary>Session slots (two halves per word; compact entries take one): the SESSION read-back indices.</summary>
    public int SessionSlots => 2 * SessionEntries;
}
