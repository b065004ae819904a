using System.Text.Json;
using System.Text.Json.Nodes;
using Nezha.Bench;
using Nezha.Verify.Sim;
using Nezha.Verify.Testbench;
using Spectre.Console;

// make bench: measures the datapath and writes bench/results/datapath.json.
// Everything is in cycles and ratios; the only wall-clock figure is the harness ratio (C# vs native loop).
var root = FindRepoRoot();
// make bench-nezha: the cluster measurements (bench/results/nezha.json, nezha.png, nezha.svg)
if (args.Length > 0 && args[0] == "nezha")
{
    Environment.ExitCode = NezhaBench.Run(root, args[1..]);
    return;
}
// nezha-plot [FILE]: the figures of nezha.json again, without measuring
if (args.Length > 0 && args[0] == "nezha-plot")
{
    Environment.ExitCode = NezhaBench.Plot(root, args[1..]);
    return;
}
var outDir = Path.Combine(root, "bench", "results");
Directory.CreateDirectory(outDir);
bool quick = args.Contains("--quick");

var json = new JsonObject();
var linerate = new JsonArray();
var paths = new JsonArray();
var latency = new JsonObject();
var latencyDetail = new JsonObject();
var perFlow = new JsonArray();

var rateTable = new Table().Title("Fast-path line rate (fraction of input bus rate, established flow)")
    .AddColumns("width", "path", "64", "65", "128", "256", "512", "1024", "1518", "9000");

foreach (var cfg in new[] { SimConfig.W64, SimConfig.W512 })
{
    using var n = new BenchNic(cfg);
    int width = n.Sim.DataWidth;
    foreach (var path in new[] { "hairpin", "encap", "decap" })
    {
        var row = new List<string> { width.ToString(), path };
        foreach (int size in DatapathBench.Sizes)
        {
            double f = path switch
            {
                "hairpin" => DatapathBench.LineRate(n, 1, 0, DatapathBench.HairpinFrame(n.T, size), DatapathBench.HairpinFrame(n.T, 64)),
                "encap" => DatapathBench.LineRate(n, 1, 1, DatapathBench.EncapFrame(n.T, size), DatapathBench.EncapFrame(n.T, 64)),
                _ => DatapathBench.LineRate(n, 0, 0, DatapathBench.DecapFrame(n.T, size), DatapathBench.DecapFrame(n.T, 64)),
            };
            row.Add(f.ToString("0.000"));
            var o = new JsonObject { ["width"] = width, ["size"] = size, ["fraction"] = Math.Round(f, 4) };
            if (path == "hairpin") linerate.Add(o);
            o = new JsonObject { ["width"] = width, ["size"] = size, ["path"] = path, ["fraction"] = Math.Round(f, 4) };
            paths.Add(o);
        }
        rateTable.AddRow(row.ToArray());
    }
    var (total, header) = DatapathBench.Latency(n, DatapathBench.HairpinFrame(n.T, 64), 0);
    latency[width.ToString()] = header;
    latencyDetail[width.ToString()] = new JsonObject { ["first_in_to_last_out"] = total, ["header"] = header };
}
AnsiConsole.Write(rateTable);

var flowTable = new Table().Title("Slow path: cost of a new flow vs ACL rules (matching rule last)")
    .AddColumns("width", "ACL rules", "slow-path cycles", "cycles per new flow");
foreach (var cfg in new[] { SimConfig.W64, SimConfig.W512 })
{
    foreach (int rules in new[] { 1, 16, 64, 256 })
    {
        using var n = new BenchNic(cfg);
        var (slow, perNew) = DatapathBench.NewFlowCost(n, rules);
        flowTable.AddRow(n.Sim.DataWidth.ToString(), rules.ToString(), slow.ToString("0.0"), perNew.ToString("0.0"));
        var o = new JsonObject { ["acl_rules"] = rules, ["cycles"] = Math.Round(slow, 1), ["cycles_per_flow_at_saturation"] = Math.Round(perNew, 1), ["width"] = n.Sim.DataWidth };
        perFlow.Add(o);
    }
}
AnsiConsole.Write(flowTable);

var lfTable = new Table().Title("Session table load factor at the first insert failure").AddColumns("width", "capacity", "load factor", "kicks");
double lf512 = 0;
var lfs = new JsonArray();
foreach (var cfg in quick ? new[] { SimConfig.W64 } : new[] { SimConfig.W64, SimConfig.W512 })
{
    using var n = new BenchNic(cfg);
    (double Lf, int Cap, ulong Kicks) r = default;
    AnsiConsole.Progress().Start(ctx =>
    {
        var task = ctx.AddTask($"filling the {n.Sim.DataWidth}-bit session table");
        r = DatapathBench.LoadFactor(n, (occ, cap) => { task.MaxValue = cap; task.Value = occ; });
        task.Value = task.MaxValue;
    });
    lfTable.AddRow(n.Sim.DataWidth.ToString(), r.Cap.ToString(), r.Lf.ToString("0.0000"), r.Kicks.ToString());
    lfs.Add(new JsonObject { ["width"] = n.Sim.DataWidth, ["capacity"] = r.Cap, ["load_factor"] = Math.Round(r.Lf, 4), ["kicks"] = r.Kicks });
    lf512 = r.Lf;
}
AnsiConsole.Write(lfTable);

// established traffic while new flows arrive (issue #13): a new flow every N frames, 16 and 256 rules
var mixed = new JsonArray();
var mixTable = new Table().Title("Established 64-byte frames while new flows arrive (fraction of the bus rate they get)")
    .AddColumns("width", "ACL rules", "new flow every", "established fraction", "new flows/s at 250 MHz");
foreach (var cfg in new[] { SimConfig.W64, SimConfig.W512 })
    foreach (int rules in new[] { 16, 256 })
        foreach (int every in new[] { 1000, 100, 20 })
        {
            using var n = new BenchNic(cfg);
            int frames = quick ? 2000 : Math.Max(4000, 20 * every);
            var (fraction, perSecond, _) = DatapathBench.Mixed(n, every, rules, frames);
            mixTable.AddRow(n.Sim.DataWidth.ToString(), rules.ToString(), every.ToString(), fraction.ToString("0.000"), perSecond.ToString("N0"));
            mixed.Add(new JsonObject
            {
                ["width"] = n.Sim.DataWidth, ["acl_rules"] = rules, ["new_flow_every"] = every,
                ["fraction"] = Math.Round(fraction, 4), ["new_flows_per_s"] = Math.Round(perSecond),
            });
        }
AnsiConsole.Write(mixTable);

// the Verilated model's speed under traffic (issue #13 part 8)
var modelSpeed = new JsonObject();
var speedTable = new Table().Title("Verilated model under traffic (64-byte hairpin, no golden model)").AddColumns("width", "cycles/s");
foreach (var cfg in new[] { SimConfig.W64, SimConfig.W512 })
{
    double cps = DatapathBench.ModelCyclesPerSecond(cfg, quick ? 300_000 : 2_000_000);
    int w = cfg == SimConfig.W64 ? 64 : 512;
    modelSpeed[w.ToString()] = Math.Round(cps);
    speedTable.AddRow(w.ToString(), cps.ToString("N0"));
}
AnsiConsole.Write(speedTable);

var harness = NativeBaseline.Measure(SimConfig.W64, DatapathBench.HairpinFrame(new Topology(), 64));
var hTable = new Table().Title("Harness: cycles per second of the same model").AddColumns("driver", "cycles/s");
hTable.AddRow("native C++ loop", harness.NativeCyclesPerSecond.ToString("N0"));
hTable.AddRow("C# via P/Invoke", harness.ManagedCyclesPerSecond.ToString("N0"));
hTable.AddRow("ratio", harness.Ratio.ToString("0.000"));
AnsiConsole.Write(hTable);

json["linerate"] = linerate;
json["linerate_paths"] = paths;
json["latency_cycles"] = latency;
json["latency_detail"] = latencyDetail;
json["cycles_per_new_flow"] = perFlow;
json["load_factor"] = Math.Round(lf512, 4);
json["load_factors"] = lfs;
json["mixed"] = mixed;
json["model_cycles_per_s"] = modelSpeed;
json["harness_ratio"] = Math.Round(harness.Ratio, 3);
json["harness"] = new JsonObject
{
    ["native_cycles_per_s"] = Math.Round(harness.NativeCyclesPerSecond),
    ["csharp_cycles_per_s"] = Math.Round(harness.ManagedCyclesPerSecond),
};
var file = Path.Combine(outDir, "datapath.json");
// logic_depth is written by `make depth` (yosys), not by this program: keep it
if (File.Exists(file) && JsonNode.Parse(File.ReadAllText(file)) is JsonObject old && old["logic_depth"] is { } depth)
    json["logic_depth"] = depth.DeepClone();
File.WriteAllText(file, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
AnsiConsole.MarkupLine($"results written to [bold]{Markup.Escape(Path.GetRelativePath(root, file))}[/]");

static string FindRepoRoot()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "Nezha.sln"))) return d.FullName;
    return Directory.GetCurrentDirectory();
}
