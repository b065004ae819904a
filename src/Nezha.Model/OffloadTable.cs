using Nezha.Common;
using Nezha.Common.Registers;

namespace Nezha.Verify.Model;

/// <summary>One offload entry (OFFLOAD layout, docs/nezha-offload.md sections 1 and 6).</summary>
public readonly record struct ModelOffloadEntry(OffloadMode Mode, int Group, byte Version, byte BeVnic, uint BeVtep, bool Compact);

/// <summary>
/// The per-vNIC offload entries: N_VNIC entries, validation (MODE 3 and GROUP >= N_GROUPS are BAD_VALUE) and
/// DATA-word encoding of the OFFLOAD block.
/// </summary>
internal sealed class OffloadTable
{
    private readonly ModelOffloadEntry[] _e;
    private readonly int _groups;

    public OffloadTable(NicParams p)
    {
        _e = new ModelOffloadEntry[p.NVnic];
        _groups = p.FeGroups;
    }

    public int Count => _e.Length;
    public ref readonly ModelOffloadEntry this[int i] => ref _e[i];

    public OffloadMode Mode(int i) => (uint)i < (uint)_e.Length ? _e[i].Mode : OffloadMode.Local;

    /// <summary>COMPACT: accepted verdicts of vNIC <paramref name="i"/> insert compact session entries.</summary>
    public bool Compact(int i) => (uint)i < (uint)_e.Length && _e[i].Compact;

    /// <summary>An FE copy: never a vNIC frames are delivered to or received from.</summary>
    public bool IsCopy(int i) => Mode(i) == OffloadMode.Fe;

    /// <summary>The FE copy of (BE VTEP, BE vNIC): the lowest vNIC with MODE = FE, BE_VTEP and BE_VNIC, or -1.</summary>
    public int FindCopy(uint beVtep, byte beVnic)
    {
        for (int j = 0; j < _e.Length; j++)
            if (_e[j].Mode == OffloadMode.Fe && _e[j].BeVtep == beVtep && _e[j].BeVnic == beVnic) return j;
        return -1;
    }

    /// <summary>CMD 1: validate and write.</summary>
    public TableStatus Write(uint index, ReadOnlySpan<uint> d)
    {
        if (index >= (uint)_e.Length) return TableStatus.BadIndex;
        uint mode = NezhaFields.OFFLOAD_MODE.Get(d);
        uint group = NezhaFields.OFFLOAD_GROUP.Get(d);
        if (group >= (uint)_groups) return TableStatus.BadValue;
        _e[index] = new ModelOffloadEntry((OffloadMode)mode, (int)group, (byte)NezhaFields.OFFLOAD_VERSION.Get(d),
                                          (byte)NezhaFields.OFFLOAD_BE_VNIC.Get(d), NezhaFields.OFFLOAD_BE_VTEP.Get(d),
                                          NezhaFields.OFFLOAD_COMPACT.Get(d) != 0);
        return TableStatus.Ok;
    }

    /// <summary>CMD 2: encode entry <paramref name="index"/> into DATA0..1.</summary>
    public TableStatus Read(uint index, Span<uint> d)
    {
        if (index >= (uint)_e.Length) return TableStatus.BadIndex;
        ref readonly var e = ref _e[index];
        d[0] = d[1] = 0;
        NezhaFields.OFFLOAD_MODE.Set(d, (uint)e.Mode);
        NezhaFields.OFFLOAD_COMPACT.Set(d, e.Compact ? 1u : 0u);
        NezhaFields.OFFLOAD_GROUP.Set(d, (uint)e.Group);
        NezhaFields.OFFLOAD_VERSION.Set(d, e.Version);
        NezhaFields.OFFLOAD_BE_VNIC.Set(d, e.BeVnic);
        NezhaFields.OFFLOAD_BE_VTEP.Set(d, e.BeVtep);
        return TableStatus.Ok;
    }
}
