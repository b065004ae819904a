using Nezha.Common;
using Nezha.Common.Registers;

namespace Nezha.Verify.Model;

/// <summary>
/// One route entry; <see cref="Prefix"/> is stored masked to <see cref="Plen"/> bits. <see cref="Tunnel"/>
/// (the GENEVE bit) is stored for every type and used by VTEP routes.
/// </summary>
public readonly record struct ModelRouteEntry(bool Valid, RouteType Type, int Plen, uint Vni, uint Prefix, uint Value,
                                              TunnelType Tunnel = TunnelType.Vxlan);

/// <summary>VPC route table: parallel longest-prefix match per VNI, lowest index wins a tie.</summary>
internal sealed class RouteTable
{
    private readonly ModelRouteEntry[] _e;
    private readonly NicParams _p;

    public RouteTable(NicParams p)
    {
        _p = p;
        _e = new ModelRouteEntry[p.Routes];
    }

    public int Count => _e.Length;
    public ref readonly ModelRouteEntry this[int i] => ref _e[i];

    public static uint Mask(int plen) => plen == 0 ? 0u : 0xFFFF_FFFFu << (32 - plen);

    /// <summary>Longest-prefix match among valid entries of <paramref name="vni"/>; returns the index or -1.</summary>
    public int Lookup(uint vni, uint ip)
    {
        int best = -1, bestLen = -1;
        for (int i = 0; i < _e.Length; i++)
        {
            ref readonly var e = ref _e[i];
            if (!e.Valid || e.Vni != vni) continue;
            if ((ip & Mask(e.Plen)) != e.Prefix) continue;
            if (e.Plen > bestLen) { best = i; bestLen = e.Plen; }
        }
        return best;
    }

    public TableStatus Write(uint index, ReadOnlySpan<uint> d)
    {
        if (index >= (uint)_e.Length) return TableStatus.BadIndex;
        var type = (RouteType)NezhaFields.ROUTE_TABLE_TYPE.Get(d);
        int plen = (int)NezhaFields.ROUTE_TABLE_PLEN.Get(d);
        uint value = NezhaFields.ROUTE_TABLE_VALUE.Get(d);
        if (d[1] >= (1u << 24)) return TableStatus.BadValue;
        if (plen > 32) return TableStatus.BadValue;
        if (type == RouteType.Local && value >= (uint)_p.NVnic) return TableStatus.BadValue;
        _e[index] = new ModelRouteEntry(NezhaFields.ROUTE_TABLE_VALID.Get(d) != 0, type, plen,
            NezhaFields.ROUTE_TABLE_VNI.Get(d), NezhaFields.ROUTE_TABLE_PREFIX.Get(d) & Mask(plen), value,
            (TunnelType)NezhaFields.ROUTE_TABLE_GENEVE.Get(d));
        return TableStatus.Ok;
    }

    public TableStatus Read(uint index, Span<uint> d)
    {
        if (index >= (uint)_e.Length) return TableStatus.BadIndex;
        ref readonly var e = ref _e[index];
        for (int w = 0; w < 4; w++) d[w] = 0;
        NezhaFields.ROUTE_TABLE_VALID.Set(d, e.Valid ? 1u : 0u);
        NezhaFields.ROUTE_TABLE_TYPE.Set(d, (uint)e.Type);
        NezhaFields.ROUTE_TABLE_GENEVE.Set(d, (uint)e.Tunnel);
        NezhaFields.ROUTE_TABLE_PLEN.Set(d, (uint)e.Plen);
        NezhaFields.ROUTE_TABLE_VNI.Set(d, e.Vni);
        NezhaFields.ROUTE_TABLE_PREFIX.Set(d, e.Prefix);
        NezhaFields.ROUTE_TABLE_VALUE.Set(d, e.Value);
        return TableStatus.Ok;
    }
}
