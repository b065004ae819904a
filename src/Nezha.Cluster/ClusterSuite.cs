using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nezha.Verify.Cluster;

/// <summary>Sizes of a full measurement run (<c>make bench-nezha</c>, <c>nezha cluster --scenario all</c>).</summary>
public sealed record SuiteSizes
{
    /// <summary>Connections measured per CPS point (after <see cref="Warmup"/>).</summary>
    public int Connections { get; init; } = 2000;
    public int Warmup { get; init; } = 300;
    /// <summary>Short connections kept in flight for the CPS measurement, per NIC whose slow path decides
    /// new flows (the BE alone, or each FE): with n FEs, Window x max(1, n) are in flight, so the clients never
    /// run out of connections before the NICs run out of cycles (at 0 FEs the CPS is the same with twice the
    /// window, docs/cluster.md).</summary>
    public int Window { get; init; } = 96;
    /// <summary>Connections measured per CPS point of the w512 series (slower to simulate).</summary>
    public int WideConnections { get; init; } = 1000;
    /// <summary>Handshakes in flight while filling the session table.</summary>
    public int FlowWindow { get; init; } = 64;
    /// <summary>Offered load for the utilisation measurement, as a fraction of the measured 0-FE CPS.</summary>
    public double UtilLoad { get; init; } = 0.7;
    public int LatencySamples { get; init; } = 16;
    public int FailoverLongFlows { get; init; } = 64;
    /// <summary>New connections during the failover run, as a fraction of the measured 0-FE CPS.</summary>
    public double FailoverLoad { get; init; } = 0.3;
    /// <summary>occupancyAbove of the memory-triggered controller runs, one run each (the policy default first).</summary>
    public IReadOnlyList<double> MemoryThresholds { get; init; } = [0.85, 0.5];
}

/// <summary>Everything <c>make bench-nezha</c> measures; <see cref="ToJson"/> gives bench/results/nezha.json.</summary>
public sealed class NezhaResults
{
    public ClusterOptions Options { get; init; } = new();
    public List<CpsResult> Cps { get; } = new();
    /// <summary>The CPS points again with every NIC at w512 (the 100G configuration), when measured.</summary>
    public List<CpsResult> CpsWide { get; } = new();
    /// <summary>The CPS points with a compact BE (docs/nezha-offload.md section 8), 1..N FEs (0 FEs is <see cref="Cps"/>[0]).</summary>
    public List<CpsResult> CpsCompact { get; } = new();
    /// <summary>Concurrent flows in the first-packet mode (the BE keeps full entries); index = FEs.</summary>
    public List<FlowsResult> Flows { get; } = new();
    /// <summary>Concurrent flows with a compact BE, 1..N FEs (0 FEs is <see cref="Flows"/>[0]).</summary>
    public List<FlowsResult> FlowsCompact { get; } = new();
    public UtilResult? Util { get; set; }
    public LatencyResult? Latency { get; set; }
    public FailoverResult? Failover { get; set; }
    public ControllerRunResult? Controller { get; set; }
    /// <summary>The memory-triggered controller runs, one per <see cref="SuiteSizes.MemoryThresholds"/> entry.</summary>
    public List<MemoryRunResult> Memory { get; } = new();
    /// <summary>Why measurements with FEs are missing (null when they ran).</summary>
    public string? OffloadUnavailable { get; set; }
    public double WallSeconds { get; set; }

    private JsonArray FlowsJson(IEnumerable<FlowsResult> fs) => new(fs.Select(f => (JsonNode)new JsonObject
    {
        ["fes"] = f.Fes, ["flows"] = f.Flows, ["normalised"] = Math.Round((double)f.Flows / Flows[0].Flows, 3),
        ["mode"] = f.Fes == 0 ? "no offload" : f.Compact ? "compact" : "first packet",
        ["session_capacity"] = f.Capacity, ["flows_1pct_failed"] = f.FlowsAtOnePercent,
    }).ToArray());

    public JsonObject ToJson()
    {
        var o = Options;
        var clock = o.Clock;
        double R(double v, int d = 1) => Math.Round(v, d);
        var j = new JsonObject
        {
            ["clock_mhz"] = o.ClockMhz,
            ["cps"] = CpsJson(Cps),
            // the headline: the most flows the heavy vNIC gets at each FE count (a compact BE when measured)
            ["flows"] = FlowsJson(Flows.Take(1).Concat(FlowsCompact.Count > 0 ? FlowsCompact : Flows.Skip(1))),
            ["flows_first_packet_mode"] = FlowsJson(Flows),
        };
        if (CpsWide.Count > 0) j["cps_w512"] = CpsJson(CpsWide);
        if (CpsCompact.Count > 0 && Cps.Count > 0) j["cps_compact"] = CpsJson(CpsCompact, Cps[0].Cps);
        if (Util is { } u)
            j["be_slowpath_util"] = new JsonObject
            {
                ["before"] = R(u.Before, 3), ["after"] = R(u.After, 3), ["fes"] = u.Fes,
                ["offered_cps"] = Math.Round(u.OfferedCps), ["cps_before"] = Math.Round(u.CpsBefore), ["cps_after"] = Math.Round(u.CpsAfter),
                ["fe_util_after"] = new JsonArray(u.FeUtilAfter.Select(x => (JsonNode)R(x, 3)).ToArray()),
            };
        if (Latency is { } l)
        {
            j["added_latency_us"] = R(clock.Microseconds(l.AddedSynCycles), 3);
            j["latency"] = new JsonObject
            {
                ["fes"] = l.Fes, ["samples"] = l.Samples,
                ["first_packet_direct_cycles"] = R(l.DirectSynCycles), ["first_packet_offloaded_cycles"] = R(l.OffloadSynCycles),
                ["first_packet_added_cycles"] = R(l.AddedSynCycles), ["first_packet_added_us"] = R(clock.Microseconds(l.AddedSynCycles), 3),
                ["established_direct_cycles"] = R(l.DirectEstCycles), ["established_offloaded_cycles"] = R(l.OffloadEstCycles),
                ["established_before_offload_cycles"] = R(l.OffloadEstOldCycles),
                ["established_added_cycles"] = R(l.AddedEstCycles), ["fabric_latency_cycles"] = o.LatencyCycles,
            };
        }
        if (Failover is { } f)
            j["failover"] = new JsonObject
            {
                ["recovery_us"] = R(clock.Microseconds(f.RecoveryCycles), 2), ["established_lost"] = f.EstablishedLost,
                ["packets_lost"] = f.PacketsLost, ["detect_us"] = R(clock.Microseconds(f.DetectCycles), 2), ["fes"] = f.Fes,
                ["killed"] = f.Killed, ["established_flows"] = f.EstablishedFlows, ["established_retransmits"] = f.EstablishedRetransmits,
                ["requests_lost"] = f.RequestsLost, ["verdicts_lost"] = f.VerdictsLost, ["probes_lost"] = f.ProbesLost,
                ["new_connections"] = f.NewConnections, ["new_completed"] = f.NewCompleted, ["dead_fe_share"] = f.SharedOnDeadFe,
                ["probe_interval_us"] = R(o.ProbeIntervalTicks * o.TickUs, 1), ["probe_timeout_us"] = R(o.ProbeTimeoutTicks * o.TickUs, 1),
            };
        if (Controller is { } c)
            j["controller"] = c.ToJson(clock);
        if (Memory.Count > 0)
            j["controller_memory"] = new JsonArray(Memory.Select(m =>
            {
                var x = m.ToJson();
                x["normalised"] = Flows.Count > 0 ? Math.Round((double)m.Flows / Flows[0].Flows, 3) : null;
                return (JsonNode)x;
            }).ToArray());
        j["setup"] = new JsonObject
        {
            ["width"] = o.Width.ToString().ToLowerInvariant(), ["acl_rules"] = o.AclRules, ["fabric_latency_cycles"] = o.LatencyCycles,
            ["vm_delay_cycles"] = o.VmDelayCycles, ["tick_us"] = o.TickUs, ["background_util"] = o.BackgroundUtil,
            ["client_hosts"] = o.ClientHosts, ["client_vms_per_host"] = o.ClientVmsPerHost,
        };
        if (OffloadUnavailable != null) j["offload_unavailable"] = OffloadUnavailable;
        j["wall_seconds"] = R(WallSeconds);
        return j;
    }

    /// <param name="baseCps">the 0-FE CPS the points are normalised to (default: the first point's)</param>
    private static JsonArray CpsJson(List<CpsResult> cps, double baseCps = 0)
    {
        static double R(double v, int d) => Math.Round(v, d);
        double b = baseCps > 0 ? baseCps : cps[0].Cps;
        return new JsonArray(cps.Select(c => (JsonNode)new JsonObject
        {
            ["fes"] = c.Fes, ["cps"] = Math.Round(c.Cps), ["normalised"] = R(c.Cps / b, 3),
            ["be_slowpath_util"] = R(c.BeSlowUtil, 3), ["be_net_rx_load"] = R(c.BeNetRxLoad, 3),
            ["fe_slowpath_util"] = new JsonArray(c.FeSlowUtil.Select(u => (JsonNode)R(u, 3)).ToArray()),
            ["connections"] = c.Connections, ["cycles"] = c.Cycles, ["mean_connection_us"] = R(c.MeanConnectUs, 1),
            ["syn_retransmits"] = c.SynRetransmits,
        }).ToArray());
    }

    public string ToJsonString() => ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}

/// <summary>Runs the measurement set of docs/cluster.md in order, reporting progress per step.</summary>
public static class ClusterSuite
{
    /// <param name="progress">(step name, fraction done of that step)</param>
    /// <param name="offload">null: the offload is not available; only the 0-FE numbers are measured.</param>
    /// <param name="wideCps">also measure the CPS points with every NIC at w512 (<see cref="NezhaResults.CpsWide"/>).</param>
    /// <param name="compactOffload">installs a compact BE (docs/nezha-offload.md section 8): the CPS and concurrent-flow
    /// points with FEs are measured with it too (<see cref="NezhaResults.CpsCompact"/>, <see cref="NezhaResults.FlowsCompact"/>);
    /// null: not measured.</param>
    public static NezhaResults Run(ClusterOptions o, SuiteSizes s, int maxFes, ClusterScenarios.OffloadHook? offload,
                                   ISet<string>? only, Action<string, double>? progress, Func<ControllerRun>? controller = null,
                                   bool wideCps = false, ClusterScenarios.OffloadHook? compactOffload = null)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var r = new NezhaResults { Options = o };
        bool Want(string x) => only == null || only.Contains(x);
        int top = offload == null ? 0 : maxFes;
        if (offload == null) r.OffloadUnavailable = "the offload registers are not in this build: only the 0-FE numbers were measured";

        // CPS points for k = from..to FEs (window per deciding slow path), each a progress step
        void CpsSeries(List<CpsResult> into, string label, ClusterOptions co, int from, int to, int connections,
                       ClusterScenarios.OffloadHook? hook)
        {
            for (int k = from; k <= to; k++)
            {
                string step = $"{label}, {k} FE{(k == 1 ? "" : "s")}";
                into.Add(ClusterScenarios.Cps(co, k, s.Window * Math.Max(1, k), s.Warmup, connections, hook, p => progress?.Invoke(step, p)));
                progress?.Invoke(step, 1);
            }
        }
        if (Want("cps") || Want("util") || Want("failover") || Want("controller"))
            CpsSeries(r.Cps, "CPS", o, 0, Want("cps") ? top : 0, s.Connections, offload);
        if (Want("cps") && offload != null && compactOffload != null)
            CpsSeries(r.CpsCompact, "CPS, compact BE", o, 1, top, s.Connections, compactOffload);
        if (wideCps && Want("cps"))
            CpsSeries(r.CpsWide, "CPS at w512", o with { Width = Sim.SimConfig.W512 }, 0, top, s.WideConnections, offload);
        if (Want("flows"))
            for (int k = 0; k <= top; k++)
            {
                string step = $"concurrent flows, {k} FE{(k == 1 ? "" : "s")}";
                r.Flows.Add(ClusterScenarios.Flows(o, k, s.FlowWindow, offload, p => progress?.Invoke(step, p)));
                progress?.Invoke(step, 1);
            }
        if (Want("flows") && offload != null && compactOffload != null)
            for (int k = 1; k <= top; k++)
            {
                string step = $"concurrent flows, compact BE, {k} FE{(k == 1 ? "" : "s")}";
                r.FlowsCompact.Add(ClusterScenarios.Flows(o, k, s.FlowWindow, compactOffload, p => progress?.Invoke(step, p), compact: true));
                progress?.Invoke(step, 1);
            }
        double baseCps = r.Cps.Count > 0 ? r.Cps[0].Cps : 0;
        if (offload != null && maxFes > 0)
        {
            if (Want("util"))
            {
                r.Util = ClusterScenarios.Utilisation(o, maxFes, s.UtilLoad * baseCps, Math.Max(200, s.Connections / 2), offload,
                    p => progress?.Invoke("slow-path utilisation before/after", p));
                progress?.Invoke("slow-path utilisation before/after", 1);
            }
            if (Want("latency"))
            {
                r.Latency = ClusterScenarios.Latency(o, maxFes, s.LatencySamples, offload);
                progress?.Invoke("added latency", 1);
            }
            if (Want("failover"))
            {
                r.Failover = ClusterScenarios.Failover(o, maxFes, s.FailoverLongFlows, s.FailoverLoad * baseCps, offload,
                    p => progress?.Invoke("failover", p));
                progress?.Invoke("failover", 1);
            }
            if (Want("controller") && controller != null)
            {
                var run = controller();
                r.Controller = ClusterScenarios.ControllerEndToEnd(o, maxFes, baseCps, run, p => progress?.Invoke("controller end to end", p));
                progress?.Invoke("controller end to end", 1);
            }
            if (Want("memory") && controller != null)
            {
                var run = controller();
                foreach (double above in s.MemoryThresholds)
                {
                    // the slow-path trigger off (offloadAbove 1.0): any offload is the memory trigger's
                    var policy = run.Policy with
                    {
                        OffloadAbove = 1.0, OccupancyAbove = above,
                        OccupancyRevertBelow = Math.Min(run.Policy.OccupancyRevertBelow, above / 2),
                    };
                    string step = $"controller, session table filling (occupancyAbove {above:0.##})";
                    r.Memory.Add(ClusterScenarios.MemoryTriggered(o, maxFes, s.FlowWindow, policy, 0, run.Logger, p => progress?.Invoke(step, p)));
                    progress?.Invoke(step, 1);
                }
            }
        }
        r.WallSeconds = sw.Elapsed.TotalSeconds;
        return r;
    }
}
