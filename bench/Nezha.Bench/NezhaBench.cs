using Microsoft.Extensions.Logging.Abstractions;
using Nezha.Verify.Cluster;
using Spectre.Console;

namespace Nezha.Bench;

/// <summary>
/// <c>make bench-nezha</c> (<c>Nezha.Bench nezha [--quick]</c>): the cluster measurements of docs/cluster.md,
/// written to bench/results/nezha.json and plotted (<see cref="NezhaPlots"/>) to bench/results/nezha.png and .svg
/// (CPS and concurrent flows against the number of FEs, normalised to 0 FEs) and nezha_controller.png and .svg
/// (the controller run's BE utilisation).
/// </summary>
internal static class NezhaBench
{
    public static int Run(string root, string[] args)
    {
        bool quick = args.Contains("--quick");
        AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 140);   // the result table, also when piped to a file
        string outDir = Path.Combine(root, "bench", "results");
        Directory.CreateDirectory(outDir);
        var o = new ClusterOptions { RtoUs = 1000 };
        var sizes = quick
            ? new SuiteSizes { Connections = 400, WideConnections = 200, Warmup = 100, LatencySamples = 4, FailoverLongFlows = 16 }
            : new SuiteSizes();
        bool supported = ClusterOffload.Supported(o);
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]Nezha cluster benchmark[/]: BE + 4 FEs (w64), {o.ClockMhz} MHz, underlay latency {o.LatencyCycles} cycles, heavy ACL {o.AclRules} rules{(quick ? " (quick)" : "")}");
        if (!supported) AnsiConsole.MarkupLine("[yellow]no offload registers in this build: only the 0-FE numbers[/]");

        NezhaResults r = null!;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(p =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                r = ClusterSuite.Run(o, sizes, 4, supported ? ClusterOffload.Hook : null, null, (step, f) =>
                {
                    if (!tasks.TryGetValue(step, out var t)) tasks[step] = t = p.AddTask(Markup.Escape(step), maxValue: 1);
                    t.Value = f;
                }, () => new ControllerRun { Logger = NullLogger.Instance }, wideCps: true,
                   compactOffload: supported ? ClusterOffload.CompactHook : null);
            });

        var t = new Table().Title("Nezha offload (normalised to the same NIC without offload)")
            .AddColumns("FEs", "CPS", "x", "CPS w512", "x", "CPS, compact BE", "x", "flows", "x", "flows, compact BE", "x");
        for (int i = 0; i < Math.Max(r.Cps.Count, r.Flows.Count); i++)
        {
            var c = i < r.Cps.Count ? r.Cps[i] : null;
            var w = i < r.CpsWide.Count ? r.CpsWide[i] : null;
            var f = i < r.Flows.Count ? r.Flows[i] : null;
            var k = r.FlowsCompact.FirstOrDefault(x => x.Fes == i);
            var cc = r.CpsCompact.FirstOrDefault(x => x.Fes == i);
            t.AddRow(i.ToString(), c?.Cps.ToString("N0") ?? "", c == null ? "" : (c.Cps / r.Cps[0].Cps).ToString("0.00"),
                     w?.Cps.ToString("N0") ?? "", w == null ? "" : (w.Cps / r.CpsWide[0].Cps).ToString("0.00"),
                     cc?.Cps.ToString("N0") ?? "", cc == null ? "" : (cc.Cps / r.Cps[0].Cps).ToString("0.00"),
                     f?.Flows.ToString("N0") ?? "", f == null ? "" : ((double)f.Flows / r.Flows[0].Flows).ToString("0.00"),
                     k?.Flows.ToString("N0") ?? "", k == null ? "" : ((double)k.Flows / r.Flows[0].Flows).ToString("0.00"));
        }
        AnsiConsole.Write(t);
        string jsonText = r.ToJsonString();
        AnsiConsole.WriteLine(jsonText.Length > 4000 ? jsonText[..4000] + " ..." : jsonText);

        string file = Path.Combine(outDir, "nezha.json");
        File.WriteAllText(file, jsonText);
        var figures = NezhaPlots.Write(System.Text.Json.Nodes.JsonNode.Parse(jsonText)!, outDir);
        AnsiConsole.MarkupLineInterpolated($"results written to [bold]{Path.GetRelativePath(root, file)}[/] and {string.Join(", ", figures.Select(f => Path.GetRelativePath(root, f)))} ({r.WallSeconds:0} s)");
        return 0;
    }

    /// <summary><c>Nezha.Bench nezha-plot [FILE]</c>: the figures again from a results JSON (default bench/results/nezha.json).</summary>
    public static int Plot(string root, string[] args)
    {
        string file = args.Length > 0 ? Path.GetFullPath(args[0]) : Path.Combine(root, "bench", "results", "nezha.json");
        if (!File.Exists(file))
        {
            Console.Error.WriteLine($"nezha-plot: {file}: no such file");
            return 2;
        }
        foreach (string f in NezhaPlots.Write(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!, Path.GetDirectoryName(file)!))
            Console.WriteLine(Path.GetRelativePath(root, f));
        return 0;
    }
}
