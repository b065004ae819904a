using Nezha.Driver.Internal;
using Nezha.Common.Registers;
using F = Nezha.Common.Registers.NezhaFields;

namespace Nezha.Driver;

// The offload blocks (docs/nezha-offload.md section 6): per-vNIC offload entries, FE groups, probe timing and
// the alive masks. Used by the offload controller.
public sealed partial class NicDriver
{
    private const int OffloadWords = 2, FeGroupWords = 5;
    private IndirectTable? _offloadTbl, _feGroupTbl;
    private int _feGroups = -1;

    private IndirectTable OffloadTbl => _offloadTbl ??= new IndirectTable(_bus, NezhaRegs.OFFLOAD_BASE, OffloadWords);
    private IndirectTable FeGroupTbl => _feGroupTbl ??= new IndirectTable(_bus, NezhaRegs.FE_GROUP_BASE, FeGroupWords);

    /// <summary>Number of FE groups of the card (FE_GROUP ENTRIES).</summary>
    public int FeGroupCount => _feGroups >= 0 ? _feGroups : (_feGroups = (int)_bus.Read(NezhaRegs.FE_GROUP_ENTRIES));

    /// <summary>Writes vNIC <paramref name="vnic"/>'s offload entry.</summary>
    public void WriteOffload(int vnic, OffloadEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        CheckIndex(vnic, Info.NVnic, nameof(vnic));
        if (!Enum.IsDefined(e.Mode)) throw new ArgumentOutOfRangeException(nameof(e), $"offload mode {e.Mode} is not defined");
        CheckIndex(e.Group, FeGroupCount, "Group");
        CheckRange(e.BeVnic, 0, 255, "BeVnic");
        Span<uint> d = stackalloc uint[OffloadWords];
        d.Clear();
        F.OFFLOAD_MODE.Set(d, (uint)e.Mode);
        F.OFFLOAD_COMPACT.Set(d, e.Compact ? 1u : 0u);
        F.OFFLOAD_GROUP.Set(d, (uint)e.Group);
        F.OFFLOAD_VERSION.Set(d, e.Version);
        F.OFFLOAD_BE_VNIC.Set(d, (uint)e.BeVnic);
        F.OFFLOAD_BE_VTEP.Set(d, e.BeVtep);
        OffloadTbl.Write(vnic, d);
    }

    public OffloadEntry ReadOffload(int vnic)
    {
        CheckIndex(vnic, Info.NVnic, nameof(vnic));
        Span<uint> d = stackalloc uint[OffloadWords];
        OffloadTbl.Read(vnic, d);
        return new OffloadEntry((OffloadMode)F.OFFLOAD_MODE.Get(d), (int)F.OFFLOAD_GROUP.Get(d), (byte)F.OFFLOAD_VERSION.Get(d),
                                (int)F.OFFLOAD_BE_VNIC.Get(d), F.OFFLOAD_BE_VTEP.Get(d), F.OFFLOAD_COMPACT.Get(d) != 0);
    }

    /// <summary>Writes FE group <paramref name="group"/>; its members start alive (their liveness restarts).</summary>
    public void WriteFeGroup(int group, FeGroupEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        CheckIndex(group, FeGroupCount, nameof(group));
        CheckRange(e.Count, 0, FeGroupEntry.MaxMembers, "Count");
        Span<uint> d = stackalloc uint[FeGroupWords];
        d.Clear();
        F.FE_GROUP_COUNT.Set(d, (uint)e.Count);
        F.FE_GROUP_VTEP0.Set(d, e.Vtep0);
        F.FE_GROUP_VTEP1.Set(d, e.Vtep1);
        F.FE_GROUP_VTEP2.Set(d, e.Vtep2);
        F.FE_GROUP_VTEP3.Set(d, e.Vtep3);
        FeGroupTbl.Write(group, d);
    }

    public FeGroupView ReadFeGroup(int group)
    {
        CheckIndex(group, FeGroupCount, nameof(group));
        Span<uint> d = stackalloc uint[FeGroupWords];
        FeGroupTbl.Read(group, d);
        var e = new FeGroupEntry((int)F.FE_GROUP_COUNT.Get(d), F.FE_GROUP_VTEP0.Get(d), F.FE_GROUP_VTEP1.Get(d),
                                 F.FE_GROUP_VTEP2.Get(d), F.FE_GROUP_VTEP3.Get(d));
        return new FeGroupView(group, e, (int)F.FE_GROUP_ALIVE.Get(d));
    }

    /// <summary>The alive members of every group at once (ALIVE_ALL: bit 4g+m = member m of group g).</summary>
    public uint ReadFeAlive() => _bus.Read(NezhaRegs.FE_GROUP_ALIVE_ALL);

    /// <summary>The alive mask of one group (bit m = member m).</summary>
    public int ReadFeAlive(int group)
    {
        CheckIndex(group, FeGroupCount, nameof(group));
        return (int)(ReadFeAlive() >> (4 * group) & 0xF);
    }

    /// <summary>Sets the probe interval (0 = no probes) and the liveness timeout, in ticks (0..65535 each).</summary>
    public void SetProbeTiming(int intervalTicks, int timeoutTicks)
    {
        CheckRange(intervalTicks, 0, 65535, nameof(intervalTicks));
        CheckRange(timeoutTicks, 0, 65535, nameof(timeoutTicks));
        _bus.Write(NezhaRegs.FE_GROUP_PROBE_INTERVAL, (uint)intervalTicks);
        _bus.Write(NezhaRegs.FE_GROUP_PROBE_TIMEOUT, (uint)timeoutTicks);
    }

    public ProbeTiming ReadProbeTiming() =>
        new((int)_bus.Read(NezhaRegs.FE_GROUP_PROBE_INTERVAL), (int)_bus.Read(NezhaRegs.FE_GROUP_PROBE_TIMEOUT));
}
