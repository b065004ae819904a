using Nezha.Common;
using Nezha.Common.Hashing;
using Nezha.Common.Registers;

namespace Nezha.Verify.Model;

/// <summary>One mapping entry: (VNI, VM IP) -> (VTEP, VM MAC, tunnel type for a remote VTEP).</summary>
public readonly record struct ModelMappingEntry(bool Valid, uint Vni, uint Ip, uint Vtep, ulong Mac,
                                                TunnelType Tunnel = TunnelType.Vxlan);

/// <summary>
/// Mapping table: MAP_BUCKETS x MAP_WAYS, INDEX = bucket*MAP_WAYS + way, bucket = CRC32C(vni,ip) mod
/// MAP_BUCKETS. A lookup searches the key's bucket only, lowest way first. The host places entries; a write
/// into another bucket is accepted but is never found.
/// </summary>
internal sealed class MappingTable
{
    private readonly ModelMappingEntry[] _e;
    private readonly NicParams _p;

    public MappingTable(NicParams p)
    {
        _p = p;
        _e = new ModelMappingEntry[p.MapCapacity];
    }

    public int Count => _e.Length;
    public ref readonly ModelMappingEntry this[int i] => ref _e[i];

    public int Bucket(uint vni, uint ip) => (int)(Crc32C.MappingKey(vni, ip) & (uint)(_p.MapBuckets - 1));

    /// <summary>Returns the entry index of the hit, or -1.</summary>
    public int Lookup(uint vni, uint ip)
    {
        int b = Bucket(vni, ip) * _p.MapWays;
        for (int w = 0; w < _p.MapWays; w++)
        {
            ref readonly var e = ref _e[b + w];
            if (e.Valid && e.Vni == vni && e.Ip == ip) return b + w;
        }
        return -1;
    }

    public TableStatus Write(uint index, ReadOnlySpan<uint> d)
    {
        if (index >= (uint)_e.Length) return TableStatus.BadIndex;
        if (d[1] >= (1u << 24)) return TableStatus.BadValue;
        if ((d[5] >> 16) != 0) return TableStatus.BadValue;
        _e[index] = new ModelMappingEntry(NezhaFields.MAP_TABLE_VALID.Get(d) != 0, NezhaFields.MAP_TABLE_VNI.Get(d),
            NezhaFields.MAP_TABLE_IP.Get(d), NezhaFields.MAP_TABLE_VTEP.Get(d),
            ((ulong)NezhaFields.MAP_TABLE_MAC_HI.Get(d) << 32) | NezhaFields.MAP_TABLE_MAC_LO.Get(d),
            (TunnelType)NezhaFields.MAP_TABLE_GENEVE.Get(d));
        return TableStatus.Ok;
    }

    public TableStatus Read(uint index, Span<uint> d)
    {
        if (index >= (uint)_e.Length) return TableStatus.BadIndex;
        ref readonly var e = ref _e[index];
        for (int w = 0; w < 6; w++) d[w] = 0;
        NezhaFields.MAP_TABLE_VALID.Set(d, e.Valid ? 1u : 0u);
        NezhaFields.MAP_TABLE_GENEVE.Set(d, (uint)e.Tunnel);
        NezhaFields.MAP_TABLE_VNI.Set(d, e.Vni);
        NezhaFields.MAP_TABLE_IP.Set(d, e.Ip);
        NezhaFields.MAP_TABLE_VTEP.Set(d, e.Vtep);
        NezhaFields.MAP_TABLE_MAC_LO.Set(d, (uint)e.Mac);
        NezhaFields.MAP_TABLE_MAC_HI.Set(d, (uint)(e.Mac >> 32));
        return TableStatus.Ok;
    }
}
