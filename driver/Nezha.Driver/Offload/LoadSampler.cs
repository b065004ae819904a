using Nezha.Common.Registers;

namespace Nezha.Driver.Offload;

/// <summary>A card the controller manages: a name for the logs, its driver, its underlay address and its
/// offload registers (<see cref="NicOffloadCard"/> over the same driver).</summary>
public sealed class ManagedNic(string name, NicDriver driver, uint vtep, IOffloadCard offload)
{
    public string Name { get; } = name;
    public NicDriver Driver { get; } = driver;
    public uint Vtep { get; } = vtep;
    public IOffloadCard Offload { get; } = offload;
    public override string ToString() => Name;
}

/// <summary>
/// Reads the counters the controller decides on from one card, through its <see cref="NicDriver"/> only (so it
/// runs the same on a real card): per vNIC NEW_FLOWS, SLOW_CYCLES, RX/TX packets; per card the cycle counter and
/// SESS_OCCUPANCY, with the session table's size in words from the card's <see cref="NicDriver.Info"/>. Each call
/// returns the deltas since the previous call (the first call returns null).
/// </summary>
public sealed class LoadSampler
{
    private readonly ManagedNic _nic;
    private ulong _cycles;
    private Dictionary<int, VnicCounters>? _prev;

    public LoadSampler(ManagedNic nic) => _nic = nic;

    /// <summary>vNICs to read (enabled ones and FE copies); set by the controller.</summary>
    public IReadOnlyCollection<int> Vnics { get; set; } = Array.Empty<int>();

    /// <summary>vNICs that are FE copies on this card (never offloaded themselves).</summary>
    public IReadOnlySet<int> Copies { get; set; } = new HashSet<int>();

    public (int Vnics, int AclSets) Free { get; set; }

    /// <summary>Takes a sample; null on the first call (no deltas yet).</summary>
    public NicLoad? Sample()
    {
        var d = _nic.Driver;
        ulong cycles = d.ReadCycles();
        var now = new Dictionary<int, VnicCounters>();
        foreach (int v in Vnics) now[v] = d.ReadVnicCounters(v);
        ulong occupancy = d.ReadStat(StatIndex.SessOccupancy);
        NicLoad? load = null;
        if (_prev != null)
        {
            var list = new List<VnicLoad>();
            foreach (var (v, c) in now)
            {
                var p = _prev.GetValueOrDefault(v) ?? c;   // new in the list: no delta yet
                list.Add(new VnicLoad(v, c.SlowCycles - p.SlowCycles, c.NewFlows - p.NewFlows, c.RxPkts - p.RxPkts,
                                      c.TxPkts - p.TxPkts, Copies.Contains(v)));
            }
            load = new NicLoad(_nic.Name, cycles - _cycles, occupancy, d.Info.SessionEntries, list, Free.Vnics, Free.AclSets);
        }
        _prev = now;
        _cycles = cycles;
        return load;
    }
}
