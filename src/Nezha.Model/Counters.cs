using Nezha.Common.Registers;

namespace Nezha.Verify.Model;

/// <summary>The STATS counters (STATS_COUNT, 64-bit; SESS_OCCUPANCY is a gauge) and the per-vNIC counters.</summary>
internal sealed class Counters
{
    private readonly ulong[] _stats = new ulong[NezhaRegs.STATS_COUNT];
    private readonly ulong[] _rxPkts, _rxBytes, _txPkts, _txBytes, _newFlows, _slowCycles;

    public Counters(int nVnic)
    {
        _rxPkts = new ulong[nVnic];
        _rxBytes = new ulong[nVnic];
        _txPkts = new ulong[nVnic];
        _txBytes = new ulong[nVnic];
        _newFlows = new ulong[nVnic];
        _slowCycles = new ulong[nVnic];
    }

    public ulong this[int i] => _stats[i];
    public ulong this[StatIndex i] => _stats[(int)i];

    public void Inc(StatIndex i, ulong by = 1) => _stats[(int)i] += by;
    public void Dec(StatIndex i) => _stats[(int)i]--;
    public void Drop(DropReason r) => _stats[(int)r]++;
    public void Exception(ExceptionReason r) => _stats[24 + (int)r]++;

    public void VnicRx(int v, int bytes) { _rxPkts[v]++; _rxBytes[v] += (ulong)bytes; }
    public void VnicTx(int v, int bytes) { _txPkts[v]++; _txBytes[v] += (ulong)bytes; }
    public void VnicNewFlow(int v, ushort cycles) { _newFlows[v]++; _slowCycles[v] += cycles; }

    public VnicCounters Vnic(int v) => new(_rxPkts[v], _rxBytes[v], _txPkts[v], _txBytes[v], _newFlows[v], _slowCycles[v]);

    /// <summary>VNIC_STATS counter <paramref name="n"/> (0 RX_PKTS .. 5 SLOW_CYCLES) of vNIC <paramref name="v"/>.</summary>
    public ulong VnicStat(int v, int n) => n switch
    {
        0 => _rxPkts[v],
        1 => _rxBytes[v],
        2 => _txPkts[v],
        3 => _txBytes[v],
        4 => _newFlows[v],
        _ => _slowCycles[v],
    };
}
