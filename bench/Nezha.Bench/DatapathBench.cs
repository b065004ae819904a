using Nezha.Driver;
using Nezha.Common.Registers;
using Nezha.Verify.Sim;
using Nezha.Verify.Testbench;
using static Nezha.Verify.Testbench.FrameBuilder;

namespace Nezha.Bench;

/// <summary>One programmed RTL model (no golden model: benchmarks measure the hardware only).</summary>
internal sealed class BenchNic : IDisposable
{
    public BenchNic(SimConfig config, Topology? topology = null)
    {
        Sim = new SimNic(config, seed: 1);
        Sim.Reset();
        Sim.RunUntilIdle(2_000_000);
        Driver = new NicDriver(new SimTransport(Sim));
        Info = Driver.Discover();
        T = topology ?? new Topology();
        T.Program(Driver, Info);
        BytesPerBeat = Sim.DataWidth / 8;
    }

    public SimNic Sim { get; }
    public NicDriver Driver { get; }
    public NicInfo Info { get; }
    public Topology T { get; }
    public int BytesPerBeat { get; }

    public int Beats(int bytes) => (bytes + BytesPerBeat - 1) / BytesPerBeat;

    public void DrainOutputs()
    {
        for (int p = 0; p < 2; p++)
            while (Sim.TryPop(p, out _)) { }
        while (Sim.TryPopMonitor(out _)) { }
    }

    public void Dispose() => Sim.Dispose();
}

internal static class DatapathBench
{
    public static readonly int[] Sizes = { 64, 65, 128, 256, 512, 1024, 1518, 9000 };

    /// <summary>A frame of exactly <paramref name="size"/> bytes on an established hairpin flow vNIC 0 -> vNIC 2.</summary>
    public static byte[] HairpinFrame(Topology t, int size, ushort sport = 33000) =>
        t.FromVmTcp(t.Vms[0], t.Vms[2].Ip, sport, 80, TcpFlags.Ack, payload: size - 54);

    public static byte[] EncapFrame(Topology t, int size) =>
        t.FromVmTcp(t.Vms[1], t.Remotes[0].Ip, 34000, 9000, TcpFlags.Ack, payload: size - 54);

    public static byte[] DecapFrame(Topology t, int innerSize) =>
        t.FromRemoteTcp(t.Remotes[0], t.Vms[1], 9000, 34000, TcpFlags.Ack, payload: innerSize - 54);

    /// <summary>
    /// Fraction of the input bus rate accepted for back-to-back frames of one established flow:
    /// input beats / cycles from the first push until the last beat was accepted.
    /// </summary>
    public static double LineRate(BenchNic n, int port, uint tuser, byte[] frame, byte[] warmup)
    {
        n.Sim.Push(port, warmup, tuser);
        n.Sim.RunUntilIdle();
        n.DrainOutputs();
        int beatsPerFrame = n.Beats(frame.Length);
        int count = Math.Clamp(40_000 / beatsPerFrame, 64, 4000);
        // keep the shim's input queue fed without letting it run dry
        ulong start = n.Sim.Cycle;
        int pushed = 0;
        for (int i = 0; i < Math.Min(count, 32); i++, pushed++) n.Sim.Push(port, frame, tuser);
        while (n.Sim.PendingInput(port) > 0)
        {
            n.Sim.Step(4);
            while (pushed < count && n.Sim.PendingInput(port) < 32) { n.Sim.Push(port, frame, tuser); pushed++; }
            if ((n.Sim.Cycle & 1023) < 4) n.DrainOutputs();
        }
        ulong cycles = n.Sim.Cycle - start;
        n.Sim.RunUntilIdle();
        n.DrainOutputs();
        return Math.Min(1.0, (double)beatsPerFrame * count / cycles);
    }

    /// <summary>Cycles from the push of a single frame on an idle NIC until its last output beat.</summary>
    public static (ulong Total, long Header) Latency(BenchNic n, byte[] frame, uint tuser)
    {
        n.Sim.Push(1, frame, tuser);
        n.Sim.RunUntilIdle();
        n.DrainOutputs();
        ulong start = n.Sim.Cycle;
        n.Sim.Push(1, frame, tuser);
        n.Sim.RunUntilIdle();
        if (!n.Sim.TryPop(1, out var f)) throw new InvalidOperationException("latency frame did not come out");
        ulong total = f.Cycle - start;
        long header = (long)total - n.Beats(frame.Length) - n.Beats(f.Data.Length);
        n.DrainOutputs();
        return (total, header);
    }

    /// <summary>
    /// Slow-path cost with <paramref name="rules"/> rules in the sender's ACL set, the only allowing rule
    /// last: average monitor slow-path cycles and cycles per new flow at saturation.
    /// </summary>
    public static (double SlowCycles, double CyclesPerFlow) NewFlowCost(BenchNic n, int rules)
    {
        var vm = n.T.Vms[1];
        int set = vm.AclSet;
        for (int i = 0; i < rules - 1; i++)
            n.Driver.WriteAclRule(set, i, new AclRule(true, AclDirection.Egress, false, IpProto.Udp, 0, 0, 0, 0, 1, 1, 1, 1));
        n.Driver.WriteAclRule(set, rules - 1, new AclRule(true, AclDirection.Egress, true, 0, 0, 0, 0, 0, 0, 65535, 0, 65535));
        n.Driver.SetAclCount(set, rules);
        const int flows = 256;
        var frames = new byte[flows][];
        for (int i = 0; i < flows; i++)
            frames[i] = n.T.FromVmTcp(vm, n.T.Remotes[0].Ip, (ushort)(20000 + rules * 300 + i), 443, TcpFlags.Syn);
        n.DrainOutputs();
        ulong start = n.Sim.Cycle;
        foreach (var f in frames) n.Sim.Push(1, f, (uint)vm.Vnic);
        n.Sim.RunUntilIdle();
        ulong cycles = n.Sim.Cycle - start;
        long slow = 0;
        int events = 0;
        while (n.Sim.TryPopMonitor(out var ev)) { slow += ev.SlowCycles; events++; }
        n.DrainOutputs();
        return ((double)slow / Math.Max(1, events), (double)cycles / flows);
    }

    /// <summary>
    /// Established traffic while new flows arrive (issue #13): 64-byte frames of an established hairpin flow
    /// (vNIC 0 -> vNIC 2, host input) with a new flow (a SYN from vNIC 0 to a remote VM, ACL set of
    /// <paramref name="rules"/> egress rules with the allowing one last) every <paramref name="every"/>-th frame.
    /// Fraction: the established frames' input beats per cycle not taken by the new flows' own beats,
    /// est_beats / (cycles - new_beats), over the time until the last frame was accepted (1.0 when the new flows
    /// hold nothing up). New flows per second: inserts completed in that time, at <paramref name="clockMhz"/>.
    /// </summary>
    public static (double Fraction, double NewFlowsPerSecond, int NewFlows) Mixed(BenchNic n, int every, int rules,
                                                                               int frames, double clockMhz = 250)
    {
        var vm = n.T.Vms[0];
        int set = vm.AclSet;
        var hairpin = HairpinFrame(n.T, 64);
        n.Sim.Push(1, hairpin, (uint)vm.Vnic);               // the established flow (set 0 allows it today)
        n.Sim.RunUntilIdle();
        for (int i = 0; i < rules - 1; i++)
            n.Driver.WriteAclRule(set, i, new AclRule(true, AclDirection.Egress, false, IpProto.Udp, 0, 0, 0, 0, 1, 1, 1, 1));
        n.Driver.WriteAclRule(set, rules - 1, new AclRule(true, AclDirection.Egress, true, 0, 0, 0, 0, 0, 0, 65535, 0, 65535));
        n.Driver.SetAclCount(set, rules);
        n.DrainOutputs();
        ulong ins0 = n.Driver.ReadStat(StatIndex.SessInserts);
        var list = new List<byte[]>(frames);
        int created = 0;
        for (int i = 0; i < frames; i++)
            list.Add(i % every == every - 1
                ? n.T.FromVmTcp(vm, n.T.Remotes[0].Ip, (ushort)(10000 + created++), (ushort)(443 + (created >> 16)), TcpFlags.Syn, payload: 10)
                : hairpin);
        long estBeats = 0, newBeats = 0;
        foreach (var f in list)
            if (ReferenceEquals(f, hairpin)) estBeats += n.Beats(f.Length); else newBeats += n.Beats(f.Length);
        ulong start = n.Sim.Cycle;
        int pushed = 0;
        for (; pushed < Math.Min(list.Count, 32); pushed++) n.Sim.Push(1, list[pushed], (uint)vm.Vnic);
        while (n.Sim.PendingInput(1) > 0)
        {
            n.Sim.Step(4);
            while (pushed < list.Count && n.Sim.PendingInput(1) < 32) n.Sim.Push(1, list[pushed++], (uint)vm.Vnic);
            if ((n.Sim.Cycle & 1023) < 4) n.DrainOutputs();
        }
        ulong cycles = n.Sim.Cycle - start;
        ulong inserted = n.Driver.ReadStat(StatIndex.SessInserts) - ins0;
        n.Sim.RunUntilIdle();
        n.DrainOutputs();
        double fraction = Math.Min(1.0, estBeats / Math.Max(1.0, (double)cycles - newBeats));
        return (fraction, inserted * clockMhz * 1e6 / cycles, created);
    }

    /// <summary>
    /// Cycles per second of the Verilated model (no golden model, no checks) under traffic: back-to-back 64-byte
    /// frames of an established hairpin flow for <paramref name="cycles"/> cycles, wall-clock timed.
    /// </summary>
    public static double ModelCyclesPerSecond(SimConfig cfg, int cycles = 2_000_000)
    {
        using var n = new BenchNic(cfg);
        var frame = HairpinFrame(n.T, 64);
        n.Sim.Push(1, frame, 0);
        n.Sim.RunUntilIdle();
        n.DrainOutputs();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        ulong start = n.Sim.Cycle;
        while (n.Sim.Cycle - start < (ulong)cycles)
        {
            while (n.Sim.PendingInput(1) < 64) n.Sim.Push(1, frame, 0);
            n.Sim.Step(256);
            n.DrainOutputs();
        }
        return (n.Sim.Cycle - start) / sw.Elapsed.TotalSeconds;
    }

    /// <summary>Occupancy / capacity at the first failed insert, new flows of 64-byte frames.</summary>
    public static (double LoadFactor, int Capacity, ulong Kicks) LoadFactor(BenchNic n, Action<int, int>? progress = null)
    {
        var g = new NicGlobalConfig(Topology.NicMac, Topology.Vtep, Topology.NextHopMac, Topology.GatewayMac, n.Info.MtuMax, 32767, 32767, 0xFFFFFF);
        n.Driver.Configure(g);
        var vm = n.T.Vms[1];
        int capacity = n.Info.SessBuckets * n.Info.SessWays * 2;
        // Random port pairs: CRC is linear, so sequential ports would land on a regular lattice of buckets
        // and measure the lattice, not the table.
        var rnd = new Random(1234);
        var used = new HashSet<uint>();
        int i = 0;
        while (true)
        {
            ulong occupancy = n.Driver.ReadStat(StatIndex.SessOccupancy);
            int batch = occupancy < (ulong)(capacity * 0.8) ? 128 : 1;
            for (int k = 0; k < batch; k++, i++)
            {
                uint ports;
                do ports = (uint)rnd.Next() | (uint)rnd.Next(2) << 31; while (!used.Add(ports));
                uint dst = n.T.Remotes[i & 1].Ip;
                n.Sim.Push(1, n.T.FromVmUdp(vm, dst, (ushort)(ports >> 16), (ushort)ports), (uint)vm.Vnic);
            }
            n.Sim.RunUntilIdle();
            n.DrainOutputs();
            progress?.Invoke((int)occupancy, capacity);
            if (n.Driver.ReadStat(StatIndex.SessInsertFail) > 0)
            {
                ulong occ = n.Driver.ReadStat(StatIndex.SessOccupancy);
                return ((double)occ / capacity, capacity, n.Driver.ReadStat(StatIndex.SessKicks));
            }
            if (i > capacity * 2) return (1.0, capacity, n.Driver.ReadStat(StatIndex.SessKicks));
        }
    }
}
