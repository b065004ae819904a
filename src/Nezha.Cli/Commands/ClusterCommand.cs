using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Nezha.Cli.Output;
using Nezha.Driver.Config;
using Nezha.Driver.Offload;
using Nezha.Verify.Cluster;
using Nezha.Verify.Sim;
using Spectre.Console;

namespace Nezha.Cli.Commands;

/// <summary>
/// <c>nezha cluster</c>: the Nezha load-sharing cluster in simulation (docs/cluster.md) — a BE NIC with a heavy
/// vNIC, up to four FE NICs, client hosts on a simulated underlay — and its measurements: CPS and concurrent
/// flows against the number of FEs, the BE's slow-path utilisation before and after, the latency of the FE
/// detour, an FE failure, and the controller offloading and reverting on its own.
/// </summary>
public static class ClusterCommand
{
    private static readonly string[] Scenarios = ["cps", "flows", "util", "latency", "failover", "controller", "memory", "all"];

    public static Command Create(CliContext ctx)
    {
        var scenario = new Option<string[]>("--scenario", "-s")
        {
            Description = "What to measure: cps, flows, util, latency, failover, controller or all (repeatable)",
            DefaultValueFactory = _ => ["cps"],
            HelpName = "NAME",
            AllowMultipleArgumentsPerToken = true,
        };
        scenario.AcceptOnlyFromAmong(Scenarios);
        var fes = new Option<int>("--fes") { Description = "FEs (cps and flows: every count from 0 to N)", DefaultValueFactory = _ => 4, HelpName = "0..4" };
        var connections = new Option<int>("--connections", "-n") { Description = "Connections measured per CPS point", DefaultValueFactory = _ => 1000, HelpName = "N" };
        var window = new Option<int>("--window") { Description = "Short connections kept in flight for the CPS measurement, per slow path (x FEs with FEs)", DefaultValueFactory = _ => 96, HelpName = "N" };
        var clock = new Option<double>("--clock-mhz") { Description = "The stated clock of every NIC", DefaultValueFactory = _ => 250, HelpName = "MHZ" };
        var latency = new Option<int>("--latency-cycles") { Description = "One-way underlay latency between two nodes", DefaultValueFactory = _ => 250, HelpName = "CYCLES" };
        var rules = new Option<int>("--acl-rules") { Description = "Rules of the heavy vNIC's ACL (the allowing rule last)", DefaultValueFactory = _ => 256, HelpName = "N" };
        var background = new Option<double>("--background") { Description = "Slow-path utilisation of each FE's own traffic", DefaultValueFactory = _ => 0.1, HelpName = "0..1" };
        var config = new Option<FileInfo>("--config", "-c") { Description = "Config file whose \"offload\" section sets the controller's policy", HelpName = "FILE" };
        var check = new Option<bool>("--check") { Description = "Check every NIC against its golden model (slower)" };
        var width = new Option<int>("--width") { Description = "Datapath width of every NIC in bits (64 or 512)", DefaultValueFactory = _ => 64, HelpName = "64|512" };
        width.AcceptOnlyFromAmong("64", "512");
        var seed = new Option<int>("--seed") { Description = "Simulation seed", DefaultValueFactory = _ => 1, HelpName = "N" };
        var json = new Option<FileInfo>("--json") { Description = "Also write the results as JSON (the shape of bench/results/nezha.json)", HelpName = "FILE" };
        var cmd = new Command("cluster", "Simulate a Nezha cluster (BE, FEs, clients on an underlay) and measure the offload.")
        {
            scenario, fes, connections, window, clock, latency, rules, background, config, check, width, seed, json,
        };
        cmd.SetAction(parse => ctx.Invoke(parse, loggers =>
        {
            var chosen = parse.GetValue(scenario)!.ToHashSet();
            if (chosen.Contains("all")) chosen = Scenarios.Where(s => s != "all").ToHashSet();
            int n = parse.GetValue(fes), conns = parse.GetValue(connections), win = parse.GetValue(window), acl = parse.GetValue(rules);
            double mhz = parse.GetValue(clock), bg = parse.GetValue(background);
            int lat = parse.GetValue(latency);
            if (n is < 0 or > 4) throw new UsageException($"--fes: {n} is not between 0 and 4");
            if (conns is < 10 or > 1_000_000) throw new UsageException($"--connections: {conns} is not between 10 and 1000000");
            if (win is < 1 or > 4096) throw new UsageException($"--window: {win} is not between 1 and 4096");
            if (mhz is <= 0 or > 10_000) throw new UsageException($"--clock-mhz: {mhz} is out of range");
            if (lat is < 10 or > 10_000_000) throw new UsageException($"--latency-cycles: {lat} is not between 10 and 10000000");
            if (acl is < 2 or > 256) throw new UsageException($"--acl-rules: {acl} is not between 2 and 256");
            if (bg is < 0 or >= 1) throw new UsageException($"--background: {bg} is not in 0..1");
            if (n < 2 && chosen.Contains("failover")) throw new UsageException("--scenario failover needs --fes 2 or more");
            OffloadPolicy? policy = null;
            if (parse.GetValue(config) is { } file) policy = NicConfigLoader.Load(SimOptions.ConfigFile(file)).Offload
                ?? throw new UsageException($"{file}: has no \"offload\" section");
            var o = new ClusterOptions
            {
                ClockMhz = mhz, LatencyCycles = (ulong)lat, VmDelayCycles = (ulong)lat, AclRules = acl, BackgroundUtil = bg,
                Check = parse.GetValue(check), Seed = (ulong)parse.GetValue(seed), RtoUs = 1000,
                Width = parse.GetValue(width) == 512 ? SimConfig.W512 : SimConfig.W64,
            };
            var sizes = new SuiteSizes { Connections = conns, Warmup = Math.Max(50, conns / 5), Window = win };
            return Execute(ctx, loggers, o, sizes, n, chosen, policy, parse.GetValue(json));
        }));
        return cmd;
    }

    private static int Execute(CliContext ctx, ILoggerFactory loggers, ClusterOptions o, SuiteSizes sizes, int maxFes,
                               HashSet<string> only, OffloadPolicy? policy, FileInfo? json)
    {
        IAnsiConsole console = CliConsole.Create(ctx.Out);
        bool supported = ClusterOffload.Supported(o);
        console.MarkupLineInterpolated(
            $"[bold]Nezha cluster[/]: BE + {maxFes} FE NIC(s), {o.Width.ToString().ToLowerInvariant()}, {o.ClockMhz} MHz, underlay latency {o.LatencyCycles} cycles ({o.Clock.Microseconds(o.LatencyCycles):0.##} µs), heavy vNIC ACL {o.AclRules} rules, {o.ClientHosts} client hosts{(o.Check ? ", every NIC checked against its golden model" : "")}");
        if (!supported && maxFes > 0)
            console.MarkupLine("[yellow]this simulator build has no offload registers: only the 0-FE numbers are measured[/]");

        var run = new ControllerRun { Logger = loggers.CreateLogger("nezha.offload") };
        if (policy != null) run = run with { Policy = policy };
        NezhaResults r = null!;
        // a live display on a terminal; else a plain line on stderr per finished step (a run takes minutes)
        CliProgress.Run(console, ctx.Err, report =>
            r = ClusterSuite.Run(o, sizes, maxFes, supported ? ClusterOffload.Hook : null, only, report, () => run,
                                 compactOffload: supported ? ClusterOffload.CompactHook : null));
        foreach (var t in Tables(r)) console.Write(t);
        console.MarkupLineInterpolated($"simulated in {r.WallSeconds:0} s of wall time");
        if (json != null)
        {
            File.WriteAllText(json.FullName, r.ToJsonString());
            console.MarkupLineInterpolated($"results written to [bold]{json.FullName}[/]");
        }
        bool bad = r.Failover is { EstablishedLost: > 0 } || r.Controller is { OffloadedAndReverted: false } || r.Memory.Any(m => !m.OffloadedCompact) || r.Cps.Any(c => c.Failed > 0);
        return bad ? ExitCodes.Failure : ExitCodes.Ok;
    }

    private static string Us(ClusterClock c, double cycles) => c.Microseconds(cycles).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>The results as tables (also used by the bench program's console output).</summary>
    public static IEnumerable<Table> Tables(NezhaResults r)
    {
        var clock = r.Options.Clock;
        if (r.Cps.Count > 0)
        {
            var t = new Table().Title("Connections per second of the heavy vNIC (short TCP connections, at saturation)")
                .AddColumns("FEs", "BE entries", "CPS", "vs 0 FEs", "BE slow path", "FE slow path (max)", "BE net-port input", "mean connection µs", "connections");
            foreach (var (x, mode) in r.Cps.Select(x => (x, x.Fes == 0 ? "no offload" : "full"))
                                           .Concat(r.CpsCompact.Select(x => (x, "compact"))))
                t.AddRow(x.Fes.ToString(), mode, x.Cps.ToString("N0"), (x.Cps / r.Cps[0].Cps).ToString("0.00x"), x.BeSlowUtil.ToString("P1"),
                         x.FeSlowUtil.DefaultIfEmpty(0).Max().ToString("P1"), x.BeNetRxLoad.ToString("P1"), x.MeanConnectUs.ToString("0.0"),
                         x.Connections.ToString("N0"));
            yield return t;
        }
        if (r.Flows.Count > 0)
        {
            var t = new Table().Title("Concurrent flows of the heavy vNIC at the BE's first insert failure")
                .AddColumns("FEs", "first-packet mode", "vs 0 FEs", "compact BE", "vs 0 FEs", "session words");
            foreach (var x in r.Flows)
            {
                var cf = r.FlowsCompact.FirstOrDefault(f => f.Fes == x.Fes);
                t.AddRow(x.Fes.ToString(), x.Flows.ToString("N0"), ((double)x.Flows / r.Flows[0].Flows).ToString("0.00x"),
                         cf?.Flows.ToString("N0") ?? "", cf == null ? "" : ((double)cf.Flows / r.Flows[0].Flows).ToString("0.00x"),
                         x.Capacity.ToString("N0"));
            }
            yield return t;
        }
        if (r.Util is { } u)
        {
            var t = new Table().Title($"BE slow-path utilisation at {u.OfferedCps:N0} new connections/s").AddColumns("", "no offload", $"offloaded to {u.Fes} FEs");
            t.AddRow("BE slow path", u.Before.ToString("P1"), u.After.ToString("P1"));
            t.AddRow("CPS carried", u.CpsBefore.ToString("N0"), u.CpsAfter.ToString("N0"));
            t.AddRow("FE slow path (each)", "", string.Join(" ", u.FeUtilAfter.Select(x => x.ToString("P1"))));
            yield return t;
        }
        if (r.Latency is { } l)
        {
            var t = new Table().Title($"Client -> VM latency (idle cluster, {l.Samples} samples each; underlay hop {r.Options.LatencyCycles} cycles)")
                .AddColumns("packet", "direct (cycles)", "offloaded (cycles)", "added (cycles)", "added (µs)");
            t.AddRow("first packet (SYN)", l.DirectSynCycles.ToString("0"), l.OffloadSynCycles.ToString("0"), l.AddedSynCycles.ToString("0"), Us(clock, l.AddedSynCycles));
            t.AddRow("established (data)", l.DirectEstCycles.ToString("0"), Math.Max(l.OffloadEstCycles, l.OffloadEstOldCycles).ToString("0"),
                     l.AddedEstCycles.ToString("0"), Us(clock, l.AddedEstCycles));
            yield return t;
        }
        if (r.Failover is { } f)
        {
            var t = new Table().Title($"FE failure: {f.Killed} killed mid-run ({f.Fes} FEs)").AddColumns("", "value");
            t.AddRow("its share handled by the others after", $"{Us(clock, f.RecoveryCycles)} µs");
            t.AddRow("BE counted it down after", $"{Us(clock, f.DetectCycles)} µs");
            t.AddRow("established connections lost", $"{f.EstablishedLost} of {f.EstablishedFlows}");
            t.AddRow("client packets lost (REQUEST / VERDICT)", $"{f.PacketsLost} ({f.RequestsLost} / {f.VerdictsLost})");
            t.AddRow("probes lost", f.ProbesLost.ToString());
            t.AddRow("new connections after the kill", $"{f.NewConnections} ({f.SharedOnDeadFe} on the dead FE's share), {f.NewCompleted} completed");
            yield return t;
        }
        if (r.Controller is { } c)
        {
            var t = new Table().Title("Controller end to end: decisions").AddColumns("µs", "decision", "reason");
            foreach (var e in c.Events)
                t.AddRow(e.TimeUs.ToString("0"), e.Kind + (e.Done ? "" : " (failed)"), Markup.Escape(e.Reason));
            if (c.Events.Count == 0) t.AddRow("", "none", "");
            yield return t;
            var ph = new Table().Title("Controller end to end: phases").AddColumns("phase", "µs", "offered CPS", "carried CPS", "BE slow path");
            foreach (var p in c.Phases)
                ph.AddRow(p.Name, $"{p.StartUs:0}..{p.EndUs:0}", p.OfferedCps.ToString("N0"), p.Cps.ToString("N0"), p.MeanBeUtil.ToString("P1"));
            yield return ph;
        }
        if (r.Memory.Count > 0)
        {
            var t = new Table().Title("Controller, session table filling (slow-path trigger off): concurrent flows of the heavy vNIC")
                .AddColumns("occupancyAbove", "offload decided", "installed", "sessions then", "flows at first failure", "vs 0 FEs", "at 1% failed", "per word", "decision");
            foreach (var m in r.Memory)
                t.AddRow(m.Policy.OccupancyAbove.ToString("P0"), m.OffloadUs is { } a ? $"{a:0} µs" : "none", m.OffloadDoneUs is { } b ? $"{b:0} µs" : "",
                         m.FlowsAtOffload < 0 ? "" : $"{m.FlowsAtOffload:N0} ({m.SessionLoadAtOffload:P0})", m.Flows.ToString("N0"),
                         r.Flows.Count > 0 ? ((double)m.Flows / r.Flows[0].Flows).ToString("0.00x") : "",
                         m.FlowsAtOnePercent.ToString("N0"), ((double)m.FlowsAtOnePercent / m.SessionWords).ToString("0.00"), m.OffloadedCompact ? "offload, compact" : "[red]no compact offload[/]");
            yield return t;
        }
        if (r.OffloadUnavailable != null)
        {
            var t = new Table().AddColumn("note");
            t.AddRow(Markup.Escape(r.OffloadUnavailable));
            yield return t;
        }
    }
}
