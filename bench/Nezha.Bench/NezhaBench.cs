using Microsoft.Extensions.Logging.Abstractions;
using Nezha.Verify.Cluster;
using Spectre.Console;

namespace Nezha.Bench;

/// <summary>
/// <c>make bench-nezha</c> (<c>Nezha.Bench nezha [--quick]</c>): the cluster measurements of docs/cluster.md,
/// written to bench/results/nezha.json and plotted to bench/results/nezha.png (CPS and concurrent flows against
/// the number of FEs, normalised to 0 FEs) and nezha_controller.png (the controller run's BE utilisation).
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
        string png = Path.Combine(outDir, "nezha.png");
        Plot(r, png);
        if (r.Controller is { } ctl) PlotController(r, ctl, Path.Combine(outDir, "nezha_controller.png"));
        AnsiConsole.MarkupLineInterpolated($"results written to [bold]{Path.GetRelativePath(root, file)}[/] and [bold]{Path.GetRelativePath(root, png)}[/] ({r.WallSeconds:0} s)");
        return 0;
    }

    private static void Plot(NezhaResults r, string path)
    {
        var plt = new ScottPlot.Plot();
        if (r.Cps.Count > 0)
        {
            var s = plt.Add.Scatter(r.Cps.Select(c => (double)c.Fes).ToArray(), r.Cps.Select(c => c.Cps / r.Cps[0].Cps).ToArray());
            s.LegendText = $"CPS (0 FEs = {r.Cps[0].Cps / 1e3:0} k/s)";
            s.LineWidth = 2;
            s.MarkerSize = 8;
        }
        if (r.CpsCompact.Count > 0 && r.Cps.Count > 0)
        {
            var pts = r.Cps.Take(1).Concat(r.CpsCompact).ToList();
            var s = plt.Add.Scatter(pts.Select(c => (double)c.Fes).ToArray(), pts.Select(c => c.Cps / r.Cps[0].Cps).ToArray());
            s.LegendText = "CPS, compact BE";
            s.LineWidth = 2;
            s.MarkerSize = 8;
            s.LinePattern = ScottPlot.LinePattern.Dotted;
        }
        if (r.Flows.Count > 0)
        {
            var s = plt.Add.Scatter(r.Flows.Select(f => (double)f.Fes).ToArray(), r.Flows.Select(f => (double)f.Flows / r.Flows[0].Flows).ToArray());
            s.LegendText = $"concurrent flows, first-packet mode (0 FEs = {r.Flows[0].Flows:N0})";
            s.LineWidth = 2;
            s.MarkerSize = 8;
        }
        if (r.FlowsCompact.Count > 0 && r.Flows.Count > 0)
        {
            var pts = r.Flows.Take(1).Concat(r.FlowsCompact).ToList();
            var s = plt.Add.Scatter(pts.Select(f => (double)f.Fes).ToArray(), pts.Select(f => (double)f.Flows / r.Flows[0].Flows).ToArray());
            s.LegendText = "concurrent flows, compact BE (two entries per session word)";
            s.LineWidth = 2;
            s.MarkerSize = 8;
        }
        if (r.CpsWide.Count > 0)
        {
            var s = plt.Add.Scatter(r.CpsWide.Select(c => (double)c.Fes).ToArray(), r.CpsWide.Select(c => c.Cps / r.CpsWide[0].Cps).ToArray());
            s.LegendText = $"CPS, NICs at w512 (0 FEs = {r.CpsWide[0].Cps / 1e3:0} k/s)";
            s.LineWidth = 2;
            s.MarkerSize = 8;
            s.LinePattern = ScottPlot.LinePattern.Dashed;
        }
        var paper = plt.Add.Scatter(new double[] { 4, 4 }, new double[] { 3.3, 3.8 });
        paper.LegendText = "paper, 4 FEs (CPS 3.3x, flows 3.8x)";
        paper.LineWidth = 0;
        paper.MarkerSize = 10;
        paper.MarkerShape = ScottPlot.MarkerShape.OpenDiamond;
        plt.Title($"Nezha offload of a heavy vNIC ({r.Options.AclRules}-rule ACL, w64 unless noted, {r.Options.ClockMhz} MHz)");
        plt.XLabel("front-end NICs");
        plt.YLabel("relative to the same NIC without offload");
        plt.Axes.SetLimits(-0.2, 4.2, 0, 4.5);
        plt.Axes.Bottom.SetTicks([0, 1, 2, 3, 4], ["0", "1", "2", "3", "4"]);
        plt.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plt.SavePng(path, 900, 560);
    }

    private static void PlotController(NezhaResults r, ControllerRunResult c, string path)
    {
        var plt = new ScottPlot.Plot();
        var be = plt.Add.Scatter(c.Timeline.Select(x => x.TimeUs).ToArray(), c.Timeline.Select(x => x.BeUtil).ToArray());
        be.LegendText = "BE slow-path utilisation";
        var fe = plt.Add.Scatter(c.Timeline.Select(x => x.TimeUs).ToArray(), c.Timeline.Select(x => x.FeUtilMax).ToArray());
        fe.LegendText = "busiest FE";
        var hi = plt.Add.HorizontalLine(c.Policy.OffloadAbove);
        hi.LegendText = "offloadAbove";
        var lo = plt.Add.HorizontalLine(c.Policy.RevertBelow);
        lo.LegendText = "revertBelow";
        foreach (var e in c.Events.Where(e => e.Done && e.Kind is "Offload" or "Revert"))
        {
            var v = plt.Add.VerticalLine(e.TimeUs);
            v.LegendText = e.Kind.ToLowerInvariant();
        }
        plt.Title("Controller end to end: low, high, low offered load");
        plt.XLabel("µs");
        plt.YLabel("slow-path utilisation");
        plt.ShowLegend(ScottPlot.Alignment.UpperRight);
        plt.SavePng(path, 900, 500);
    }
}
