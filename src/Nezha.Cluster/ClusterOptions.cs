using Nezha.Verify.Sim;

namespace Nezha.Verify.Cluster;

/// <summary>Parameters of a cluster run (docs/cluster.md lists them with their defaults and meaning).</summary>
public sealed record ClusterOptions
{
    /// <summary>The stated clock: every NIC runs at it; µs and per-second figures derive from it.</summary>
    public double ClockMhz { get; init; } = 250;
    /// <summary>One-way underlay latency between any two nodes, cycles.</summary>
    public ulong LatencyCycles { get; init; } = 250;
    /// <summary>Lockstep chunk (0 = the latency).</summary>
    public ulong ChunkCycles { get; init; }
    /// <summary>Response delay of the VMs' TCP stacks, cycles (at least the chunk).</summary>
    public ulong VmDelayCycles { get; init; } = 250;
    /// <summary>Front-end NICs besides the BE.</summary>
    public int Fes { get; init; } = 4;
    /// <summary>Rules in the heavy vNIC's ACL set; the rule that lets the clients in is the last one.</summary>
    public int AclRules { get; init; } = 256;
    /// <summary>One tick, µs (session timeouts and liveness are in ticks).</summary>
    public double TickUs { get; init; } = 10;
    public int IdleTimeoutTicks { get; init; } = 30000;
    public int CloseTimeoutTicks { get; init; } = 30;
    /// <summary>Idle timeout on the FE NICs, whose own sessions are the background flows.</summary>
    public int FeIdleTimeoutTicks { get; init; } = 10;
    public int ProbeIntervalTicks { get; init; } = 10;
    public int ProbeTimeoutTicks { get; init; } = 30;
    /// <summary>Slow-path utilisation the background VM of each FE aims at (0 = none).</summary>
    public double BackgroundUtil { get; init; } = 0.1;
    /// <summary>Rules in the background VMs' ACL set (allowing rule last).</summary>
    public int BackgroundRules { get; init; } = 32;
    public int ClientHosts { get; init; } = 4;
    public int ClientVmsPerHost { get; init; } = 32;
    /// <summary>Client retransmission timeout, µs.</summary>
    public double RtoUs { get; init; } = 200;
    public int DataBytes { get; init; } = 64;
    /// <summary>Check every NIC against the golden model (NicBench); slower.</summary>
    public bool Check { get; init; }
    public ulong Seed { get; init; } = 1;
    public SimConfig Width { get; init; } = SimConfig.W64;

    public ClusterClock Clock => new(ClockMhz);
    public int TickCycles => (int)Math.Max(1, Math.Round(TickUs * ClockMhz));

    public void Validate()
    {
        if (ClockMhz is <= 0 or > 10_000) throw new ArgumentException($"clock {ClockMhz} MHz is out of range");
        if (LatencyCycles < 1) throw new ArgumentException("the fabric latency is at least one cycle");
        if (Fes is < 0 or > 4) throw new ArgumentException($"{Fes} FEs: an FE group holds 0..4");
        if (AclRules < 2) throw new ArgumentException("the heavy vNIC's ACL needs at least 2 rules");
        if (ClientHosts is < 1 or > 200 || ClientVmsPerHost is < 1 or > 250) throw new ArgumentException("client hosts 1..200, VMs per host 1..250");
        if (TickCycles > 0xFF_FFFF) throw new ArgumentException("a tick is at most 16777215 cycles");
    }
}
