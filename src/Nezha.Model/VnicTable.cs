using Nezha.Common;
using Nezha.Common.Registers;

namespace Nezha.Verify.Model;

/// <summary>One vNIC table entry (VNIC_TABLE layout).</summary>
public readonly record struct ModelVnicEntry(bool Enable, int AclSet, uint Vni, ulong Mac, uint Ip, uint GwIp);

/// <summary>The vNIC table: N_VNIC entries, validation and DATA-word encoding of the VNIC_TABLE block.</summary>
internal sealed class VnicTable
{
    private readonly ModelVnicEntry[] _e;
    private readonly NicParams _p;

    public VnicTable(NicParams p)
    {
        _p = p;
        _e = new ModelVnicEntry[p.NVnic];
    }

    public int Count => _e.Length;
    public ref readonly ModelVnicEntry this[int i] => ref _e[i];

    /// <summary>The offload entries: a vNIC with MODE = FE is a copy, never a frame's vNIC (nezha-offload section 4).</summary>
    public OffloadTable? Offload { get; set; }

    /// <summary>Enabled and not an FE copy: what every datapath vNIC check uses.</summary>
    public bool Enabled(int i) => (uint)i < (uint)_e.Length && _e[i].Enable && !(Offload?.IsCopy(i) ?? false);

    /// <summary>Lowest enabled vNIC with the given VNI and MAC, or -1.</summary>
    public int FindByVniMac(uint vni, ulong mac)
    {
        for (int j = 0; j < _e.Length; j++)
            if (Enabled(j) && _e[j].Vni == vni && _e[j].Mac == mac) return j;
        return -1;
    }

    /// <summary>Lowest enabled vNIC j != <paramref name="except"/> with the given VNI and IP, or -1.</summary>
    public int FindByVniIp(uint vni, uint ip, int except)
    {
        for (int j = 0; j < _e.Length; j++)
            if (j != except && Enabled(j) && _e[j].Vni == vni && _e[j].Ip == ip) return j;
        return -1;
    }

    /// <summary>CMD 1: validate and write. Returns the table status.</summary>
    public TableStatus Write(uint index, ReadOnlySpan<uint> d)
    {
        if (index >= (uint)_e.Length) return TableStatus.BadIndex;
        uint acl = NezhaFields.VNIC_TABLE_ACL_SET.Get(d);
        if (acl >= (uint)_p.AclSets) return TableStatus.BadValue;
        if (d[1] >= (1u << 24)) return TableStatus.BadValue;
        if ((d[3] >> 16) != 0) return TableStatus.BadValue;
        _e[index] = new ModelVnicEntry(
            NezhaFields.VNIC_TABLE_ENABLE.Get(d) != 0,
            (int)acl,
            NezhaFields.VNIC_TABLE_VNI.Get(d),
            ((ulong)NezhaFields.VNIC_TABLE_MAC_HI.Get(d) << 32) | NezhaFields.VNIC_TABLE_MAC_LO.Get(d),
            NezhaFields.VNIC_TABLE_IP.Get(d),
            NezhaFields.VNIC_TABLE_GW_IP.Get(d));
        return TableStatus.Ok;
    }

    /// <summary>CMD 2: encode entry <paramref name="index"/> into DATA0..5.</summary>
    public TableStatus Read(uint index, Span<uint> d)
    {
        if (index >= (uint)_e.Length) return TableStatus.BadIndex;
        ref readonly var e = ref _e[index];
        for (int w = 0; w < 6; w++) d[w] = 0;
        NezhaFields.VNIC_TABLE_ENABLE.Set(d, e.Enable ? 1u : 0u);
        NezhaFields.VNIC_TABLE_ACL_SET.Set(d, (uint)e.AclSet);
        NezhaFields.VNIC_TABLE_VNI.Set(d, e.Vni);
        NezhaFields.VNIC_TABLE_MAC_LO.Set(d, (uint)e.Mac);
        NezhaFields.VNIC_TABLE_MAC_HI.Set(d, (uint)(e.Mac >> 32));
        NezhaFields.VNIC_TABLE_IP.Set(d, e.Ip);
        NezhaFields.VNIC_TABLE_GW_IP.Set(d, e.GwIp);
        return TableStatus.Ok;
    }
}
