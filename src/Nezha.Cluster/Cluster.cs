using Nezha.Verify.Sim;

namespace Nezha.Verify.Cluster;

/// <summary>
/// Several NICs (separate Verilator instances in one process) on a simulated underlay, plus software hosts,
/// run as one discrete-event simulation in cycles of <see cref="Clock"/>.
///
/// Time advances in chunks of <see cref="ChunkCycles"/> (C). Within a chunk [T, T+C) the scheduled events run
/// in time order; an event that hands a frame to a NIC first clocks that NIC up to the event's cycle, so the
/// frame enters at exactly its due cycle. At the end of the chunk every live NIC is clocked to T+C and its
/// output frames are collected: a net-port frame that completed at cycle t goes to the fabric and arrives at
/// t + latency; a host-port frame goes to the VM of its vNIC, which answers at t + its response delay. Both are
/// at least C, so nothing is ever due in the past: the run is exact to the cycle (see docs/cluster.md).
///
/// Register accesses clock their NIC on its own. During a run (an event programming or sampling a card) the
/// cluster catches up with that NIC after every access: it runs up to the NIC's time (in chunks of at most C,
/// events included), so the rest of the cluster keeps going while a card is programmed and frames due at the
/// card meanwhile enter at most one access late (<see cref="LatePushes"/>). Barrier events (<see cref="AtBarrier"/>)
/// due while an event is programming a card wait until it has finished, then run at the cluster time reached.
/// </summary>
public sealed class Cluster : IDisposable
{
    private readonly PriorityQueue<(Action<ulong> Action, bool Barrier), (ulong Time, long Seq)> _events = new();
    private readonly List<SimFrame> _scratch = new();
    private long _seq;
    private bool _started;
    private bool _running;     // inside RunUntil
    private bool _catchingUp;  // inside CatchUp

    public Cluster(ClusterClock clock, ulong latencyCycles, ulong chunkCycles = 0)
    {
        if (latencyCycles < 1) throw new ArgumentOutOfRangeException(nameof(latencyCycles), "the fabric latency is at least one cycle");
        Clock = clock;
        ChunkCycles = chunkCycles == 0 ? latencyCycles : chunkCycles;
        if (ChunkCycles > latencyCycles)
            throw new ArgumentOutOfRangeException(nameof(chunkCycles), $"the lockstep chunk ({ChunkCycles}) must not exceed the fabric latency ({latencyCycles})");
        Fabric = new Fabric(this, latencyCycles);
    }

    public ClusterClock Clock { get; }
    public ulong ChunkCycles { get; }
    public Fabric Fabric { get; }
    public List<ClusterNic> Nics { get; } = new();
    /// <summary>Cluster time (cycles since <see cref="Start"/>); every live NIC is at least here.</summary>
    public ulong Now { get; private set; }
    /// <summary>The time of the event being run (<see cref="Now"/> between events).</summary>
    public ulong EventTime { get; private set; }
    /// <summary>Whether a run (<see cref="RunUntil"/>) is in progress: register accesses then let the cluster catch up.</summary>
    public bool Running => _running;

    /// <summary>Smallest response delay of a VM attached with <see cref="AttachVm"/>.</summary>
    public ulong MinVmDelay { get; private set; } = ulong.MaxValue;

    /// <summary>Called after every chunk (for progress reporting).</summary>
    public Action<ulong>? OnChunk { get; set; }

    public ClusterNic Add(ClusterNic nic)
    {
        if (_started) throw new InvalidOperationException("add every NIC before Start");
        Nics.Add(nic);
        nic.AfterRegisterAccess = CatchUp;
        Fabric.Attach(new NicPort(nic));
        return nic;
    }

    /// <summary>Attaches a software host (client hypervisor, sink) to the fabric.</summary>
    public void AddHost(IFabricPort host) => Fabric.Attach(host);

    /// <summary>Attaches a VM to a NIC's host port; its response delay must be at least one chunk.</summary>
    public void AttachVm(ClusterNic nic, int vnic, IHostVm vm, ulong responseDelay)
    {
        if (responseDelay < ChunkCycles)
            throw new ArgumentOutOfRangeException(nameof(responseDelay), $"a VM's response delay ({responseDelay}) must be at least the lockstep chunk ({ChunkCycles})");
        MinVmDelay = Math.Min(MinVmDelay, responseDelay);
        nic.Attach(vnic, vm);
    }

    /// <summary>Aligns every NIC's clock on cluster time 0. Call once, after programming.</summary>
    public void Start()
    {
        foreach (var n in Nics)
        {
            n.AlignTo(0);
        }
        Now = 0;
        _started = true;
    }

    /// <summary>
    /// Between runs only: moves cluster time up to the NIC furthest ahead (register accesses clock a NIC on its
    /// own) and clocks every other live NIC to it, so that all are in step again. Returns the cycles skipped.
    /// </summary>
    public ulong Resync()
    {
        ulong max = Now;
        foreach (var n in Nics)
            if (!n.Dead) max = Math.Max(max, n.Time);
        foreach (var n in Nics)
            if (!n.Dead) n.StepTo(max);
        ulong skipped = max - Now;
        Now = EventTime = max;
        CollectAll();
        return skipped;
    }

    /// <summary>Runs <paramref name="action"/> at cluster cycle <paramref name="time"/> (not before now).</summary>
    public void At(ulong time, Action<ulong> action) => Enqueue(time, action, false);

    private void Enqueue(ulong time, Action<ulong> action, bool barrier)
    {
        if (time < EventTime) time = EventTime;
        _events.Enqueue((action, barrier), (time, _seq++));
    }

    /// <summary>Runs <paramref name="action"/> at <paramref name="time"/> with every live NIC clocked to that
    /// cycle and its outputs collected first (for register access: sampling counters, reprogramming).</summary>
    public void AtBarrier(ulong time, Action<ulong> action) => Enqueue(time, t =>
    {
        foreach (var n in Nics)
            if (!n.Dead) n.StepTo(t);
        CollectAll();
        action(t);
    }, true);

    /// <summary>Queues a frame into a NIC port at exactly <paramref name="time"/>.</summary>
    public void PushAt(ClusterNic nic, int port, byte[] frame, uint tuser, ulong time) => At(time, t =>
    {
        if (nic.Dead) return;
        nic.StepTo(t);
        nic.Push(port, frame, tuser, t);
    });

    /// <summary>Kills a NIC: it stops being clocked and the fabric drops everything to and from it.</summary>
    public void Kill(ClusterNic nic)
    {
        nic.Dead = true;
        Fabric.SetDown(nic.Vtep, true);
    }

    /// <summary>Runs until cluster time <paramref name="end"/>, or until <paramref name="stop"/> is true at a chunk end.</summary>
    public void RunUntil(ulong end, Func<bool>? stop = null)
    {
        if (!_started) Start();
        bool outer = !_running;
        _running = true;
        try
        {
            while (Now < end)
            {
                RunChunk(Math.Min(Now + ChunkCycles, end));
                if (stop != null && stop()) break;
            }
        }
        finally
        {
            if (outer) _running = false;
        }
    }

    /// <summary>Runs the events before <paramref name="e"/> in order, then clocks every live NIC to it and collects.
    /// An event may catch up past <paramref name="e"/> (a register access), then the chunk is already done.
    /// With <paramref name="holdBarriers"/> (catching up) barrier events are kept for later.</summary>
    private void RunChunk(ulong e, bool holdBarriers = false)
    {
        List<((Action<ulong>, bool), (ulong, long))>? held = null;
        while (_events.TryPeek(out var next, out var key) && key.Time < e)
        {
            _events.Dequeue();
            if (holdBarriers && next.Barrier)
            {
                (held ??= new()).Add((next, key));
                continue;
            }
            // an event held back by a catch-up runs when it can: now
            ulong t = Math.Max(key.Time, Now);
            EventTime = t;
            next.Action(t);
        }
        if (held != null)
            foreach (var (item, key) in held) _events.Enqueue(item, key);
        if (Now >= e) return;
        EventTime = e;
        foreach (var n in Nics)
            if (!n.Dead) n.StepTo(e);
        Now = e;
        CollectAll();
        OnChunk?.Invoke(Now);
    }

    /// <summary>After a register access of <paramref name="nic"/> during a run: the cluster runs up to the NIC's
    /// time, chunk by chunk; barrier events due meanwhile wait until the event doing the access has finished
    /// (a controller does one thing at a time), then run at the time they get to.</summary>
    private void CatchUp(ClusterNic nic)
    {
        if (!_running || _catchingUp) return;
        _catchingUp = true;
        ulong eventTime = EventTime;
        try
        {
            // not bounded by the run's end: time passes while a card is programmed, the run then ends late
            ulong target = nic.Time;
            while (Now < target)
                RunChunk(Math.Min(Now + ChunkCycles, target), holdBarriers: true);
        }
        finally
        {
            _catchingUp = false;
            EventTime = Math.Max(eventTime, Now);
        }
    }

    public void Run(ulong cycles, Func<bool>? stop = null) => RunUntil(Now + cycles, stop);

    /// <summary>Runs until <paramref name="done"/> is true (checked every chunk) or <paramref name="maxCycles"/> passed.
    /// Returns whether it became true.</summary>
    public bool RunWhile(Func<bool> notDone, ulong maxCycles)
    {
        ulong end = Now + maxCycles;
        RunUntil(end, () => !notDone());
        return !notDone();
    }

    private void CollectAll()
    {
        foreach (var n in Nics)
        {
            if (n.Dead) continue;
            _scratch.Clear();
            n.Collect(_scratch);
            foreach (var f in _scratch)
            {
                if (f.Port == SimNic.PortNet)
                {
                    Fabric.Send(n.Vtep, f.Data, f.Cycle);
                    continue;
                }
                int vnic = (int)(f.TUser & ((1u << n.Sim.VnicWidth) - 1));
                uint reason = f.TUser >> n.Sim.VnicWidth;
                if (reason == 0 && n.VmOf(vnic) is { } vm) vm.FromNic(f.Data, f.TUser, f.Cycle);
                else n.HostUnclaimed++;
            }
        }
    }

    /// <summary>Pushes late due to register accesses, over all NICs.</summary>
    public long LatePushes => Nics.Sum(n => n.LatePushes);

    /// <summary>The most cycles a frame entered a NIC after its due time, over all NICs.</summary>
    public ulong MaxLateCycles => Nics.Count == 0 ? 0 : Nics.Max(n => n.MaxLateCycles);

    public void Dispose()
    {
        foreach (var n in Nics) n.Dispose();
        Nics.Clear();
    }

    /// <summary>A NIC's net port on the fabric.</summary>
    private sealed class NicPort(ClusterNic nic) : IFabricPort
    {
        public uint Vtep => nic.Vtep;

        public void FromFabric(byte[] frame, ulong time)
        {
            if (nic.Dead) return;
            nic.StepTo(time);
            nic.Push(SimNic.PortNet, Wire.Routed(frame, nic.Mac), 0, time);
        }
    }
}
