using Nezha.Common.Hashing;

namespace Nezha.Driver.Internal;

/// <summary>
/// What the driver believes each mapping slot holds, to place entries by bucket without reading the card.
/// Slot index = bucket * ways + way.
/// </summary>
internal sealed class MappingShadow(int buckets, int ways)
{
    private readonly (uint Vni, uint Ip)?[] _slots = new (uint, uint)?[buckets * ways];

    public int Buckets => buckets;
    public int Ways => ways;

    public void Clear() => Array.Clear(_slots);

    public void Set(int index, MappingEntry e) => _slots[index] = e.Valid ? (e.Vni, e.Ip) : null;

    public int Bucket(uint vni, uint ip) => (int)(Crc32C.MappingKey(vni, ip) % (uint)buckets);

    /// <summary>The slot holding (vni, ip), else -1.</summary>
    public int Find(uint vni, uint ip)
    {
        int first = Bucket(vni, ip) * ways;
        for (int i = first; i < first + ways; i++)
            if (_slots[i] is { } k && k.Vni == vni && k.Ip == ip) return i;
        return -1;
    }

    /// <summary>The slot for (vni, ip): the one that already holds it, else the first free way; -1 when the bucket is full.</summary>
    public int Place(uint vni, uint ip)
    {
        int found = Find(vni, ip);
        if (found >= 0) return found;
        int first = Bucket(vni, ip) * ways;
        for (int i = first; i < first + ways; i++)
            if (_slots[i] is null) return i;
        return -1;
    }
}
