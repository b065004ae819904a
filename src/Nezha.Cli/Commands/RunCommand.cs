using System.CommandLine;
using Microsoft.Extensions.Logging;
using Nezha.Cli.Output;
using Nezha.Driver;
using Nezha.Driver.Config;
using Nezha.Driver.Registers;
using Nezha.Verify.Sim;
using Nezha.Verify.Testbench;
using Spectre.Console;

namespace Nezha.Cli.Commands;

/// <summary>
/// <c>nezha run</c>, the README's main command: programs the simulated card from a config (the shipped
/// default unless told otherwise), drives generated traffic of every kind through it — VMs talking to local
/// and remote VMs and the internet, inbound connections the ACL lets in or stops, replies, ARP, damaged
/// frames — with random backpressure, checks every frame and counter against the golden model, lets the
/// sessions age out, and prints what the card did.
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
        var cmd = new Command("run", "Run the main scenario on the simulated card and check it against the golden model.")
        {
            config, width, frames, seed,
        };
        cmd.SetAction(parse => ctx.Invoke(parse, loggers => Execute(ctx, loggers,
            parse.GetValue(config), parse.GetValue(width), parse.GetValue(frames), parse.GetValue(seed))));
        return cmd;
    }

    private static int Execute(CliContext ctx, ILoggerFactory loggers, FileInfo? configFile, int width, int frames, int seed)
    {
        ILogger log = loggers.CreateLogger("nezha.run");
        if (frames is < 1 or > 10_000_000) throw new UsageException($"--frames: {frames} is not between 1 and 10000000");
        string path = configFile?.FullName ?? DefaultConfig();
        if (!File.Exists(path)) throw new UsageException($"{path}: no such file");
        SimConfig simConfig = SimOptions.ToSimConfig(width);
        NicConfig config = NicConfigLoader.Load(path, KnownBuilds.For(width));
        var topo = Topology.FromConfig(config);
        if (topo.Vms.Length == 0) throw new UsageException($"{path}: vnics: the scenario needs at least one enabled vNIC");

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(ctx.Out) });
        console.Profile.Width = Math.Max(console.Profile.Width, 110);
        console.MarkupLineInterpolated($"[bold]Nezha[/] w{width} card, config [bold]{Path.GetFileName(path)}[/]: {topo.Vms.Length} vNICs, {topo.Remotes.Length} remote VMs, {config.Routes.Count} routes, {config.Acls.Sum(a => a.Rules.Count)} ACL rules");

        using var bench = new NicBench(simConfig, (ulong)seed);
        bench.Driver.Apply(config);
        log.LogInformation("card programmed from {Config}", path);

        bench.Sim.SetBackpressure(NicBench.Net, 0.8, (ulong)seed + 1);
        bench.Sim.SetBackpressure(NicBench.Host, 0.8, (ulong)seed + 2);
        var gen = new TrafficGenerator(topo, seed, bench.Sim.VnicWidth, bench.Params.MtuMax) { DamagedShare = 0.03 };
        var kinds = new Dictionary<string, int>();
        console.Progress().Start(p =>
        {
            var task = p.AddTask("traffic through the card, checked against the golden model", maxValue: frames);
            for (int i = 0; i < frames; i++)
            {
                var g = gen.Next();
                kinds[g.Kind] = kinds.GetValueOrDefault(g.Kind) + 1;
                bench.Send(g.Port, g.Frame, g.TUser);
                while (bench.Outstanding > 48) bench.Pump(64);
                if ((i & 255) == 0) task.Value = i;
            }
            bench.Drain();
            task.Value = frames;
        });
        ulong cyclesTraffic = bench.Sim.Cycle;
        ulong learned = bench.Model.Stat(StatIndex.SessInserts);
        ulong live = bench.Model.Stat(StatIndex.SessOccupancy);

        // Idle timeouts are seconds of real time; fast-forward by making every cycle a tick.
        console.MarkupLine("fast-forwarding time (one tick per cycle) until idle sessions age out ...");
        bench.Bus.Write32(NezhaRegs.CONFIG_TICK_CYCLES, 1);
        bench.Sim.Step((uint)Math.Min(config.Global.IdleTimeout + 100, 40_000));
        bench.SettleAging();
        bench.CompareCounters();
        var after = bench.Driver.ReadAllStats();

        console.Write(SummaryTables.Stats(after));
        if (SummaryTables.Vnics(config.Vnics.Select(v => (v, bench.Driver.ReadVnicCounters(v.Id)))) is { } vt) console.Write(vt);

        var sessions = new Table().Title("Sessions").AddColumns("", "count");
        sessions.AddRow("learned in hardware", learned.ToString("N0"));
        sessions.AddRow("live after the traffic", live.ToString("N0"));
        sessions.AddRow("aged out (idle or closed)", bench.Model.Stat(StatIndex.SessAged).ToString("N0"));
        sessions.AddRow("closed by RST", bench.Model.Stat(StatIndex.SessClosed).ToString("N0"));
        sessions.AddRow("live at the end", bench.Model.Stat(StatIndex.SessOccupancy).ToString("N0"));
        console.Write(sessions);

        var verdicts = bench.Retired.GroupBy(r => r.Verdict.Drop != DropReason.None ? "dropped: " + r.Verdict.Drop
                                                  : r.Verdict.Exception != ExceptionReason.None ? "to host: " + r.Verdict.Exception
                                                  : r.Verdict.SessionHit ? "forwarded (session hit)" : "forwarded (new flow)")
                                    .OrderByDescending(g => g.Count());
        var vtable = new Table().Title("What happened to each frame").AddColumns("outcome", "frames");
        foreach (var g in verdicts) vtable.AddRow(g.Key, g.Count().ToString("N0"));
        console.Write(vtable);

        console.MarkupLineInterpolated($"{frames:N0} frames in {cyclesTraffic:N0} cycles; {bench.FramesChecked:N0} output frames and {bench.Bus.Accesses:N0} register accesses compared with the golden model");
        if (bench.Errors.Count > 0)
        {
            foreach (var e in bench.Errors.Take(10)) ctx.Err.WriteLine(e);
            console.MarkupLineInterpolated($"[red bold]{bench.Errors.Count} mismatch(es) between the RTL and the golden model[/]");
            return ExitCodes.Failure;
        }
        console.MarkupLine("[green bold]RTL and golden model agree on every frame and every counter.[/]");
        return ExitCodes.Ok;
    }

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
