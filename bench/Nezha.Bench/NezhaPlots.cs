using System.Text.Json.Nodes;

namespace Nezha.Bench;

/// <summary>
/// The figures of docs/cluster.md, drawn from the results JSON alone (bench/results/nezha.json), each as PNG and
/// SVG: nezha (CPS and concurrent flows against the number of FEs, normalised to 0 FEs) and, when the controller
/// run is in the results, nezha_controller (its BE utilisation over time). <c>Nezha.Bench nezha-plot</c> redraws
/// them from a committed JSON without measuring again.
/// </summary>
internal static class NezhaPlots
{
    private const int Width = 900;

    /// <returns>the files written.</returns>
    public static List<string> Write(JsonNode results, string outDir)
    {
        var written = new List<string>();
        written.AddRange(Save(Offload(results), Path.Combine(outDir, "nezha"), 560));
        if (results["controller"] is JsonObject ctl)
            written.AddRange(Save(Controller(ctl), Path.Combine(outDir, "nezha_controller"), 500));
        return written;
    }

    private static string[] Save(ScottPlot.Plot plt, string stem, int height)
    {
        string png = stem + ".png", svg = stem + ".svg";
        plt.SavePng(png, Width, height);
        plt.SaveSvg(svg, Width, height);
        return [png, svg];
    }

    /// <summary>(FEs, value) of each point of a series such as "cps" ([{ "fes": 0, "cps": ... }, ...]).</summary>
    private static List<(double Fes, double Value)> Points(JsonNode? series, string value) =>
        series is JsonArray a ? a.Select(p => ((double)p!["fes"]!, (double)p[value]!)).ToList() : [];

    private static void Line(ScottPlot.Plot plt, List<(double Fes, double Value)> pts, double baseValue, string legend,
                             ScottPlot.LinePattern? pattern = null)
    {
        var s = plt.Add.Scatter(pts.Select(p => p.Fes).ToArray(), pts.Select(p => p.Value / baseValue).ToArray());
        s.LegendText = legend;
        s.LineWidth = 2;
        s.MarkerSize = 8;
        if (pattern is { } lp) s.LinePattern = lp;
    }

    private static ScottPlot.Plot Offload(JsonNode r)
    {
        var plt = new ScottPlot.Plot();
        var cps = Points(r["cps"], "cps");
        var cpsCompact = Points(r["cps_compact"], "cps");
        var cpsWide = Points(r["cps_w512"], "cps");
        var flowsFirst = Points(r["flows_first_packet_mode"], "flows");
        // "flows" is the headline: the 0-FE point and the compact BE's points when they were measured
        bool compactFlows = r["flows"] is JsonArray fa && fa.Skip(1).Any(p => (string?)p!["mode"] == "compact");
        var flowsCompact = compactFlows ? Points(r["flows"], "flows") : [];
        if (cps.Count > 0)
        {
            Line(plt, cps, cps[0].Value, $"CPS (0 FEs = {cps[0].Value / 1e3:0} k/s)");
            if (cpsCompact.Count > 0)
                Line(plt, [cps[0], .. cpsCompact], cps[0].Value, "CPS, compact BE", ScottPlot.LinePattern.Dotted);
        }
        if (flowsFirst.Count > 0)
            Line(plt, flowsFirst, flowsFirst[0].Value, $"concurrent flows, first-packet mode (0 FEs = {flowsFirst[0].Value:N0})");
        if (flowsCompact.Count > 0)
            Line(plt, flowsCompact, flowsCompact[0].Value, "concurrent flows, compact BE (two entries per session word)");
        if (cpsWide.Count > 0)
            Line(plt, cpsWide, cpsWide[0].Value, $"CPS, NICs at w512 (0 FEs = {cpsWide[0].Value / 1e3:0} k/s)", ScottPlot.LinePattern.Dashed);
        var paper = plt.Add.Scatter(new double[] { 4, 4 }, new double[] { 3.3, 3.8 });
        paper.LegendText = "paper, 4 FEs (CPS 3.3x, flows 3.8x)";
        paper.LineWidth = 0;
        paper.MarkerSize = 10;
        paper.MarkerShape = ScottPlot.MarkerShape.OpenDiamond;
        plt.Title($"Nezha offload of a heavy vNIC ({(int?)r["setup"]?["acl_rules"]}-rule ACL, w64 unless noted, {(double?)r["clock_mhz"]} MHz)");
        plt.XLabel("front-end NICs");
        plt.YLabel("relative to the same NIC without offload");
        plt.Axes.SetLimits(-0.2, 4.2, 0, 4.5);
        plt.Axes.Bottom.SetTicks([0, 1, 2, 3, 4], ["0", "1", "2", "3", "4"]);
        plt.ShowLegend(ScottPlot.Alignment.UpperLeft);
        return plt;
    }

    private static ScottPlot.Plot Controller(JsonObject c)
    {
        var plt = new ScottPlot.Plot();
        var timeline = c["be_util_timeline"]!.AsArray().Select(t => t!.AsArray().Select(v => (double)v!).ToArray()).ToList();
        double[] time = timeline.Select(t => t[0]).ToArray();
        var be = plt.Add.Scatter(time, timeline.Select(t => t[1]).ToArray());
        be.LegendText = "BE slow-path utilisation";
        var fe = plt.Add.Scatter(time, timeline.Select(t => t[2]).ToArray());
        fe.LegendText = "busiest FE";
        var hi = plt.Add.HorizontalLine((double)c["policy"]!["offloadAbove"]!);
        hi.LegendText = "offloadAbove";
        var lo = plt.Add.HorizontalLine((double)c["policy"]!["revertBelow"]!);
        lo.LegendText = "revertBelow";
        foreach (var e in c["decisions"]!.AsArray().Where(e => (bool)e!["done"]! && (string?)e["kind"] is "Offload" or "Revert"))
        {
            var v = plt.Add.VerticalLine((double)e!["time_us"]!);
            v.LegendText = ((string)e["kind"]!).ToLowerInvariant();
        }
        plt.Title("Controller end to end: low, high, low offered load");
        plt.XLabel("µs");
        plt.YLabel("slow-path utilisation");
        plt.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plt;
    }
}
