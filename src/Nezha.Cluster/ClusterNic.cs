using Nezha.Driver;
using Nezha.Verify.Sim;
using Nezha.Verify.Testbench;

namespace Nezha.Verify.Cluster;

/// <summary>Something attached to a NIC's host port for one vNIC (a VM).</summary>
public interface IHostVm
{
    /// <summary>A frame the NIC delivered to this VM; <paramref name="time"/> is the cluster cycle of its last beat.</summary>
    void FromNic(byte[] frame, uint tuser, ulong time);
}

/// <summary>
/// One NIC of the cluster: its own Verilator instance (w64 by default) and its own <see cref="NicDriver"/>.
/// With <c>check</c> it is a <see cref="NicBench"/>: every frame and register access is also run on the
/// golden model and compared. The NIC's local cycle is <c>cluster time + Offset</c>; register accesses run
/// the NIC's clock, so a NIC can be ahead of the cluster (by at most one access during a run, see
/// <see cref="Cluster"/>), never behind it.
/// </summary>
public sealed class ClusterNic : IDisposable
{
    private readonly List<SimFrame> _out = new();
    private readonly Dictionary<int, IHostVm> _vms = new();
    private long _offset;

    public ClusterNic(string name, uint vtep, ulong mac, SimConfig config, bool check, ulong seed)
    {
        Name = name;
        Vtep = vtep;
        Mac = mac;
        if (check)
        {
            Bench = new NicBench(config, seed) { KeepRetired = false };
            Bench.OnOutput = f => _out.Add(f);
            Sim = Bench.Sim;
        }
        else
        {
            Sim = new SimNic(config, seed);
            Sim.Reset();
            Sim.RunUntilIdle(2_000_000);
            Transport = new SimTransport(Sim);
        }
        Registers = new ClockedTransport(Bench != null ? Bench.Bus : Transport!, this);
        Driver = new NicDriver(Registers);
        Info = Driver.Discover();
    }

    public string Name { get; }
    public uint Vtep { get; }
    public ulong Mac { get; }
    public SimNic Sim { get; }
    public NicDriver Driver { get; }
    public NicInfo Info { get; }
    /// <summary>The golden-model bench when the NIC is checked, else null.</summary>
    public NicBench? Bench { get; }
    public SimTransport? Transport { get; }
    /// <summary>
    /// The register transport the driver uses (mirrored on the golden model when checked). Every access clocks
    /// this NIC on its own; after each one <see cref="AfterRegisterAccess"/> lets the cluster catch up with it.
    /// </summary>
    public IRegisterTransport Registers { get; }

    /// <summary>Called after every register access through <see cref="Registers"/> (set by <see cref="Cluster"/>).</summary>
    internal Action<ClusterNic>? AfterRegisterAccess { get; set; }

    /// <summary>A killed NIC is not clocked any more and the fabric drops every frame to and from it.</summary>
    public bool Dead { get; internal set; }

    public long FramesIn { get; private set; }
    public long FramesOut { get; private set; }
    /// <summary>Frames on the host port for a vNIC with no VM attached (exceptions, unknown vNICs).</summary>
    public long HostUnclaimed { get; internal set; }

    /// <summary>Frames pushed later than their due time (the NIC was already ahead: register accesses).</summary>
    public long LatePushes { get; private set; }

    /// <summary>The most cycles a frame entered after its due time.</summary>
    public ulong MaxLateCycles { get; private set; }

    public ulong LocalCycle => Sim.Cycle;

    /// <summary>The NIC's position in cluster time.</summary>
    public ulong Time => (ulong)((long)Sim.Cycle - _offset);

    public void Attach(int vnic, IHostVm vm) => _vms[vnic] = vm;

    public IHostVm? VmOf(int vnic) => _vms.GetValueOrDefault(vnic);

    internal void AlignTo(ulong clusterTime) => _offset = (long)Sim.Cycle - (long)clusterTime;

    internal void StepTo(ulong clusterTime)
    {
        long d = (long)clusterTime + _offset - (long)Sim.Cycle;
        while (d > 0)
        {
            uint n = (uint)Math.Min(d, 1 << 24);
            if (Bench != null) Bench.Pump(n); else Sim.Step(n);
            d -= n;
        }
    }

    internal void Push(int port, byte[] frame, uint tuser, ulong due)
    {
        if (Time > due)
        {
            LatePushes++;
            MaxLateCycles = Math.Max(MaxLateCycles, Time - due);
        }
        FramesIn++;
        if (Bench != null) Bench.Send(port, frame, tuser); else Sim.Push(port, frame, tuser);
    }

    /// <summary>Takes every completed output frame (cycles converted to cluster time).</summary>
    internal void Collect(List<SimFrame> into)
    {
        if (Bench != null)
        {
            Bench.Pump(0);
            foreach (var f in _out) into.Add(f with { Cycle = (ulong)((long)f.Cycle - _offset) });
            FramesOut += _out.Count;
            _out.Clear();
            return;
        }
        for (int p = 0; p < 2; p++)
            while (Sim.TryPop(p, out var f))
            {
                into.Add(f with { Cycle = (ulong)((long)f.Cycle - _offset) });
                FramesOut++;
            }
        while (Sim.TryPopMonitor(out _)) { }
    }

    public void Dispose()
    {
        if (Bench != null) Bench.Dispose(); else Sim.Dispose();
    }

    private sealed class ClockedTransport(IRegisterTransport inner, ClusterNic nic) : IRegisterTransport
    {
        public RegResp Write32(uint addr, uint data)
        {
            var r = inner.Write32(addr, data);
            nic.AfterRegisterAccess?.Invoke(nic);
            return r;
        }

        public RegResp Read32(uint addr, out uint data)
        {
            var r = inner.Read32(addr, out data);
            nic.AfterRegisterAccess?.Invoke(nic);
            return r;
        }
    }

    public override string ToString() => $"{Name} ({Driver.GetType().Name} @ {Nezha.Driver.NetFormat.Ip(Vtep)})";
}
