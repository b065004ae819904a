using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Nezha.Cli.Output;
using Nezha.Driver;
using Nezha.Driver.Config;
using Nezha.Common.Registers;
using Nezha.Verify.Sim;
using Nezha.Verify.Testbench;
using Spectre.Console;

namespace Nezha.Cli.Commands;

/// <summary>
/// <c>nezha run</c>, the README's main command: programs the simulated card from a config (the shipped
/// default unless told otherwise), drives generated traffic of every kind through it — VMs talking to local
/// and remote VMs and the internet, inbound connections the ACL lets in or stops, replies, ARP, damaged
/// frames — with random backpressure, checks every frame and counter against the golden model, lets the
/// sessions age out, and prints what the card did (tables, or JSON with --json).
/// </summary>
public static class RunCommand
{
    public static Command Create(CliContext ctx)
    {
        Option<FileInfo> config = SimOptions.Config(required: false);
        Option<int> width = SimOptions.Width();
        var frames = new Option<int>("--frames", "-n")
        {
            Description = "Frames of generated traffic",
            DefaultValueFactory = _ => 20_000,
            HelpName = "N",
        };
        var seed = new Option<int>("--seed") { Description = "Traffic and backpressure seed", DefaultValueFactory = _ => 1, HelpName = "N" };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON (nothing else on stdout)" };
        var cmd = new Command("run", "Run the main scenario on the simulated card and check it against the golden model.")
        {
            config, width, frames, seed, json,
        };
        cmd.SetAction(parse => ctx.Invoke(parse, loggers => Execute(ctx, loggers,
            parse.GetValue(config), parse.GetValue(width), parse.GetValue(frames), parse.GetValue(seed), parse.GetValue(json))));
        return cmd;
    }

    /// <summary>What a run measured (the tables and the JSON are made from it).</summary>
    private sealed record RunResult(
        string Config, int Width, int Frames, int Seed, ulong TrafficCycles, long FramesChecked, long RegisterAccesses,
        IReadOnlyList<KeyValuePair<StatIndex, ulong>> Counters, IReadOnlyList<(VnicConfig Vnic, VnicCounters Counters)> Vnics,
        ulong Learned, ulong LiveAfterTraffic, ulong Aged, ulong ClosedByRst, ulong LiveAtEnd,
        IReadOnlyList<KeyValuePair<string, int>> Outcomes, IReadOnlyList<string> Mismatches);

    private static int Execute(CliContext ctx, ILoggerFactory loggers, FileInfo? configFile, int width, int frames, int seed, bool json)
    {
        ILogger log = loggers.CreateLogger("nezha.run");
        if (frames is < 1 or > 10_000_000) throw new UsageException($"--frames: {frames} is not between 1 and 10000000");
        string path = configFile is null ? DefaultConfig() : SimOptions.ConfigFile(configFile);
        SimConfig simConfig = SimOptions.ToSimConfig(width);
        NicConfig config = NicConfigLoader.Load(path, KnownBuilds.For(width));
        var topo = Topology.FromConfig(config);
        if (topo.Vms.Length == 0) throw new UsageException($"{path}: vnics: the scenario needs at least one enabled vNIC");

        // with --json no console at all: off a terminal Spectre's plain backend still resets System.Console's colours
        IAnsiConsole? console = json ? null : CliConsole.Create(ctx.Out);
        console?.MarkupLineInterpolated($"[bold]Nezha[/] w{width} card, config [bold]{Path.GetFileName(path)}[/]: {topo.Vms.Length} vNICs, {topo.Remotes.Length} remote VMs, {config.Routes.Count} routes, {config.Acls.Sum(a => a.Rules.Count)} ACL rules");

        using var bench = new NicBench(simConfig, (ulong)seed, driverLogger: loggers.CreateLogger<NicDriver>());
        bench.Driver.Apply(config);
        log.LogInformation("card programmed from {Config}", path);

        bench.Sim.SetBackpressure(NicBench.Net, 0.8, (ulong)seed + 1);
        bench.Sim.SetBackpressure(NicBench.Host, 0.8, (ulong)seed + 2);
        var gen = new TrafficGenerator(topo, seed, bench.Sim.VnicWidth, bench.Params.MtuMax) { DamagedShare = 0.03 };
        const string step = "traffic through the card, checked against the golden model";
        CliProgress.Run(console, null, report =>
        {
            for (int i = 0; i < frames; i++)
            {
                var g = gen.Next();
                bench.Send(g.Port, g.Frame, g.TUser);
                while (bench.Outstanding > 48) bench.Pump(64);
                if ((i & 255) == 0) report(step, (double)i / frames);
            }
            bench.Drain();
            report(step, 1);
        });
        ulong cyclesTraffic = bench.Sim.Cycle;
        ulong learned = bench.Model.Stat(StatIndex.SessInserts);
        ulong live = bench.Model.Stat(StatIndex.SessOccupancy);

        // Idle timeouts are seconds of real time; fast-forward by making every cycle a tick.
        console?.MarkupLine("fast-forwarding time (one tick per cycle) until idle sessions age out ...");
        log.LogInformation("fast-forwarding: one tick per cycle until idle sessions age out");
        bench.Bus.Write32(NezhaRegs.CONFIG_TICK_CYCLES, 1);
        bench.Sim.Step((uint)Math.Min(config.Global.IdleTimeout + 100, 40_000));
        bench.SettleAging();
        bench.CompareCounters();

        var result = new RunResult(path, width, frames, seed, cyclesTraffic, bench.FramesChecked, bench.Bus.Accesses,
            bench.Driver.ReadAllStats().OrderBy(s => s.Key).ToList(),
            config.Vnics.Select(v => (v, bench.Driver.ReadVnicCounters(v.Id))).ToList(),
            learned, live, bench.Model.Stat(StatIndex.SessAged), bench.Model.Stat(StatIndex.SessClosed), bench.Model.Stat(StatIndex.SessOccupancy),
            bench.Retired.GroupBy(r => FrameOutcomes.Of(r.Port, r.Verdict)).OrderByDescending(g => g.Count())
                .Select(g => KeyValuePair.Create(g.Key, g.Count())).ToList(),
            [.. bench.Errors]);
        foreach (var e in result.Mismatches.Take(10)) ctx.Err.WriteLine(e);
        if (console is null)
            ctx.Out.WriteLine(ToJson(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        else
            WriteTables(console, result);
        return result.Mismatches.Count > 0 ? ExitCodes.Failure : ExitCodes.Ok;
    }

    private static void WriteTables(IAnsiConsole console, RunResult r)
    {
        console.Write(SummaryTables.Stats(r.Counters));
        if (SummaryTables.Vnics(r.Vnics) is { } vt) console.Write(vt);

        var sessions = new Table().Title("Sessions").AddColumns("", "count");
        sessions.AddRow("learned in hardware", r.Learned.ToString("N0"));
        sessions.AddRow("live after the traffic", r.LiveAfterTraffic.ToString("N0"));
        sessions.AddRow("aged out (idle or closed)", r.Aged.ToString("N0"));
        sessions.AddRow("closed by RST", r.ClosedByRst.ToString("N0"));
        sessions.AddRow("live at the end", r.LiveAtEnd.ToString("N0"));
        console.Write(sessions);

        var outcomes = new Table().Title("What happened to each frame").AddColumns("outcome", "frames");
        foreach (var (outcome, n) in r.Outcomes) outcomes.AddRow(Markup.Escape(outcome), n.ToString("N0"));
        console.Write(outcomes);

        console.MarkupLineInterpolated($"{r.Frames:N0} frames in {r.TrafficCycles:N0} cycles; {r.FramesChecked:N0} output frames and {r.RegisterAccesses:N0} register accesses compared with the golden model");
        if (r.Mismatches.Count > 0)
            console.MarkupLineInterpolated($"[red bold]{r.Mismatches.Count} mismatch(es) between the RTL and the golden model[/]");
        else
            console.MarkupLine("[green bold]RTL and golden model agree on every frame and every counter.[/]");
    }

    private static JsonObject ToJson(RunResult r) => new()
    {
        ["config"] = r.Config,
        ["width"] = r.Width,
        ["frames"] = r.Frames,
        ["seed"] = r.Seed,
        ["trafficCycles"] = r.TrafficCycles,
        ["outputFramesChecked"] = r.FramesChecked,
        ["registerAccessesChecked"] = r.RegisterAccesses,
        ["counters"] = new JsonObject(r.Counters.Select(c => KeyValuePair.Create(c.Key.ToString(), (JsonNode?)c.Value))),
        ["vnics"] = new JsonArray(r.Vnics.Select(v => (JsonNode?)new JsonObject
        {
            ["id"] = v.Vnic.Id,
            ["vni"] = v.Vnic.Entry.Vni,
            ["ip"] = NetFormat.Ip(v.Vnic.Entry.Ip),
            ["fromVmFrames"] = v.Counters.RxPkts,
            ["fromVmBytes"] = v.Counters.RxBytes,
            ["toVmFrames"] = v.Counters.TxPkts,
            ["toVmBytes"] = v.Counters.TxBytes,
            ["newFlows"] = v.Counters.NewFlows,
            ["slowPathCycles"] = v.Counters.SlowCycles,
        }).ToArray()),
        ["sessions"] = new JsonObject
        {
            ["learned"] = r.Learned, ["liveAfterTraffic"] = r.LiveAfterTraffic, ["aged"] = r.Aged,
            ["closedByRst"] = r.ClosedByRst, ["liveAtEnd"] = r.LiveAtEnd,
        },
        ["outcomes"] = new JsonObject(r.Outcomes.Select(o => KeyValuePair.Create(o.Key, (JsonNode?)o.Value))),
        ["mismatches"] = r.Mismatches.Count,
        ["firstMismatches"] = new JsonArray(r.Mismatches.Take(10).Select(m => (JsonNode?)m).ToArray()),
        ["ok"] = r.Mismatches.Count == 0,
    };

    private static string DefaultConfig()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            string p = Path.Combine(d.FullName, "configs", "default.json");
            if (File.Exists(p)) return p;
        }
        return Path.Combine("configs", "default.json");
    }
}
