using System.CommandLine;
using Microsoft.Extensions.Logging;
using Nezha.Cli.Output;
using Nezha.Verify.Pcap;
using Nezha.Cli.Replay;
using Nezha.Driver;
using Nezha.Driver.Config;
using Nezha.Verify.Sim;
using Nezha.Verify.Tap;
using Nezha.Verify.Testbench;
using Spectre.Console;

namespace Nezha.Cli.Commands;

/// <summary>
/// <c>nezha pcap</c>: programs a simulated card from a config, replays a capture into one of its inputs (the
/// golden model beside it) and writes what came out, and the inputs it dropped, to one pcapng file
/// (<see cref="ReplayCapture"/>). Everything the arguments name is checked before the card is built.
/// </summary>
public static class PcapCommand
{
    /// <summary>The file written in the --out directory.</summary>
    public const string OutputFile = "replay.pcapng";

    public static Command Create(CliContext ctx)
    {
        Option<FileInfo> config = SimOptions.Config(required: true);
        var input = new Option<FileInfo>("--in", "-i")
        {
            Description = "Capture to replay (pcap or pcapng, Ethernet); frames are pushed back to back, timestamps ignored",
            Required = true,
            HelpName = "FILE",
        };
        var port = new Option<string>("--port", "-p")
        {
            Description = "Input the frames enter: net (underlay) or host (from a VM)",
            Required = true,
            HelpName = "net|host",
        };
        port.AcceptOnlyFromAmong("net", "host");
        var vnic = new Option<int?>("--vnic")
        {
            Description = "Sending vNIC for --port host (tuser vNIC id; an enabled vNIC of the config); default 0",
            HelpName = "N",
        };
        Option<int> width = SimOptions.Width();
        var output = new Option<DirectoryInfo>("--out", "-o")
        {
            Description = $"Directory for {OutputFile} (created if only its last level is missing)",
            Required = true,
            HelpName = "DIR",
        };
        var force = new Option<bool>("--force", "-f") { Description = $"Replace an existing {OutputFile} in --out (and the --trace file)" };
        var clock = new Option<double>("--clock-mhz")
        {
            Description = "Clock that turns output cycles into pcapng timestamps",
            DefaultValueFactory = _ => 250.0,
            HelpName = "MHZ",
        };
        var maxCycles = new Option<ulong?>("--max-cycles") { Description = "Give up after this many cycles", HelpName = "N" };
        var trace = new Option<FileInfo?>("--trace")
        {
            Description = "Waveform file, FST (needs the trace flavour of the simulator); in an existing directory, replaced only with --force",
            HelpName = "FILE",
        };
        var seed = new Option<ulong>("--seed") { Description = "Simulator seed", DefaultValueFactory = _ => 1, HelpName = "N" };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON (nothing else on stdout)" };

        var cmd = new Command("pcap", "Replay a capture through the simulated card programmed from a config.")
        {
            config, input, port, vnic, width, output, force, clock, maxCycles, trace, seed, json,
        };
        cmd.SetAction(parse => ctx.Invoke(parse, loggers =>
        {
            var args = new PcapArgs(
                parse.GetValue(config)!, parse.GetValue(input)!, parse.GetValue(port) == "net" ? PcapReplay.NetPort : PcapReplay.HostPort,
                parse.GetValue(vnic), parse.GetValue(width), parse.GetValue(output)!, parse.GetValue(force), parse.GetValue(clock),
                parse.GetValue(maxCycles), parse.GetValue(trace), parse.GetValue(seed), parse.GetValue(json));
            return Execute(args, ctx, loggers);
        }));
        return cmd;
    }

    private sealed record PcapArgs(
        FileInfo Config, FileInfo Input, int Port, int? Vnic, int Width, DirectoryInfo Out, bool Force,
        double ClockMhz, ulong? MaxCycles, FileInfo? Trace, ulong Seed, bool Json);

    private static int Execute(PcapArgs a, CliContext ctx, ILoggerFactory loggers)
    {
        ILogger log = loggers.CreateLogger("nezha.pcap");
        // Everything that can be wrong with the arguments is checked before anything is created.
        if (a.Vnic is not null && a.Port == PcapReplay.NetPort)
            throw new UsageException("--vnic only applies to --port host");
        if (a.ClockMhz is <= 0 or > 100_000 || double.IsNaN(a.ClockMhz))
            throw new UsageException($"--clock-mhz: {a.ClockMhz} is not a clock frequency");
        SimOptions.ConfigFile(a.Config);
        if (Directory.Exists(a.Input.FullName)) throw new UsageException($"--in: {a.Input} is a directory, not a capture file");
        if (!a.Input.Exists) throw new UsageException($"{a.Input}: no such file");
        SimConfig simConfig = SimOptions.ToSimConfig(a.Width);
        NicInfo build = KnownBuilds.For(a.Width);
        NicConfig config = NicConfigLoader.Load(a.Config.ToString(), build);
        int vnicId = a.Port == PcapReplay.HostPort ? CheckSendingVnic(a, config, build) : 0;
        string outDir = a.Out.FullName;
        string outPath = Path.Combine(outDir, OutputFile);
        if (OutputFiles.DirectoryProblem(a.Out.ToString()) is { } dirProblem) throw new UsageException($"--out: {dirProblem}");
        if (OutputFiles.FileProblem(outPath, a.Force) is { } fileProblem) throw new UsageException($"--out: {fileProblem}");
        if (a.Trace is { } t)
        {
            if (t.Directory is { Exists: false } d) throw new UsageException($"--trace: {t}: the directory {d} does not exist");
            if (OutputFiles.FileProblem(t.FullName, a.Force) is { } traceProblem) throw new UsageException($"--trace: {traceProblem}");
        }
        List<CaptureFrame> frames = ReadCapture(a.Input);

        // Then the output: its directory (the last level, if missing) and the file, under a temporary name until
        // the replay is done, so a failed run replaces nothing.
        bool createdDir;
        PendingFile pending;
        try
        {
            createdDir = OutputFiles.PrepareDirectory(a.Out.ToString());
        }
        catch (IOException e)
        {
            throw new UsageException($"--out: {e.Message}");
        }
        try
        {
            pending = PendingFile.Create(outPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (createdDir) Directory.Delete(outDir);
            throw new UsageException($"--out: cannot create a file in {a.Out}: {e.Message}");
        }

        // The simulator writes a trace itself (following links): under a temporary name, renamed when it is closed.
        string? traceTemp = a.Trace is null ? null : PendingFile.TempPathFor(a.Trace.FullName);
        bool finished = false;
        try
        {
            int code;
            using (pending) code = Replay(a, ctx, log, simConfig, config, vnicId, frames, pending, traceTemp);
            if (traceTemp is not null && File.Exists(traceTemp)) File.Move(traceTemp, a.Trace!.FullName, overwrite: a.Force);
            finished = true;
            return code;
        }
        finally
        {
            if (!finished && traceTemp is not null) File.Delete(traceTemp);
            if (!finished && createdDir && !Directory.EnumerateFileSystemEntries(outDir).Any()) Directory.Delete(outDir);
        }
    }

    /// <summary>The vNIC the frames come from (--port host): in the build's range, defined and enabled in the config.</summary>
    private static int CheckSendingVnic(PcapArgs a, NicConfig config, NicInfo build)
    {
        int id = a.Vnic ?? 0;
        string which = a.Vnic is null ? "vNIC 0 (the default without --vnic)" : $"vNIC {id}";
        if (id < 0 || id >= build.NVnic)
            throw new UsageException($"--vnic: {id} is out of range 0..{build.NVnic - 1} for the w{a.Width} build");
        VnicConfig? v = config.Vnics.FirstOrDefault(v => v.Id == id);
        string defined = string.Join(", ", config.Vnics.Where(v => v.Entry.Enabled).Select(v => v.Id));
        if (v is null)
            throw new UsageException($"--vnic: {which} is not defined in {a.Config} (enabled vNICs: {(defined.Length > 0 ? defined : "none")}); the card would drop every frame");
        if (!v.Entry.Enabled)
            throw new UsageException($"--vnic: {which} is disabled in {a.Config} (enabled vNICs: {(defined.Length > 0 ? defined : "none")}); the card would drop every frame");
        return id;
    }

    private static int Replay(PcapArgs a, CliContext ctx, ILogger log, SimConfig simConfig, NicConfig config,
        int vnicId, List<CaptureFrame> frames, PendingFile pending, string? tracePath)
    {
        using var bench = new NicBench(simConfig, a.Seed, tracePath);
        NicDriver driver = bench.Driver;
        driver.Discover();
        driver.Apply(config);
        uint tuser = a.Port == PcapReplay.HostPort ? (uint)vnicId : 0u;
        ReplayResult result = new PcapReplay(bench, log).Run(frames, a.Port, tuser, a.MaxCycles ?? PcapReplay.DefaultMaxCycles(frames));

        IReadOnlyList<InterfaceCount> interfaces;
        using (var w = new PcapNgWriter(pending.Stream, "nezha pcap", ownsStream: false))
            interfaces = ReplayCapture.Write(w, result, frames, config, a.Port, vnicId, a.ClockMhz, bench.Sim.VnicWidth);
        pending.Commit(a.Force);

        // counters after the replay, read through the mirror (RTL and model compared once more)
        var stats = driver.ReadAllStats();
        var vnics = config.Vnics.OrderBy(v => v.Id)
            .Select(v => new VnicSnapshot(v.Id, v.Entry, ReplayCapture.VnicInterface(v.Id), driver.ReadVnicCounters(v.Id))).ToList();
        var report = new PcapReport(
            Input: a.Input.FullName, Config: a.Config.FullName, Port: PcapReplay.PortName(a.Port),
            Vnic: a.Port == PcapReplay.HostPort ? vnicId : null, Width: a.Width,
            Records: result.Records, FramesIn: result.Pushed, EmptyRecords: result.EmptyRecords, CutBySnapLength: result.CutBySnapLength,
            Cycles: result.CyclesRun, ClockMhz: a.ClockMhz, ReachedIdle: result.ReachedIdle,
            Output: pending.Path, Interfaces: interfaces, Outcomes: PcapReport.CountOutcomes(result.Inputs, bench.Sim.VnicWidth),
            Stats: stats.Select(kv => new StatValue((int)kv.Key, kv.Key.ToString(), kv.Value)).ToList(), Vnics: vnics,
            FramesChecked: bench.FramesChecked, Mismatches: bench.Errors.Count, FirstMismatches: bench.Errors.Take(5).ToList());

        if (a.Json) ctx.Out.WriteLine(report.ToJson());
        else PrintSummary(ctx, report, stats, config, result, bench.Sim.VnicWidth);

        int exit = ExitCodes.Ok;
        if (bench.Errors.Count > 0)
        {
            foreach (string e in bench.Errors.Take(5)) ctx.Err.WriteLine($"nezha: RTL/model mismatch: {e.Split('\n')[0]}");
            ctx.Err.WriteLine($"nezha: the RTL and the golden model disagree ({bench.Errors.Count} mismatch(es))");
            exit = ExitCodes.Failure;
        }
        if (!result.ReachedIdle)
        {
            ctx.Err.WriteLine($"nezha: the card was still busy after {result.CyclesRun} cycles (raise --max-cycles); {pending.Path} holds what came out so far");
            exit = ExitCodes.Failure;
        }
        return exit;
    }

    private static void PrintSummary(CliContext ctx, PcapReport r, IReadOnlyList<KeyValuePair<Nezha.Common.Registers.StatIndex, ulong>> stats,
        NicConfig config, ReplayResult result, int vnicWidth)
    {
        // the two lines that say what went in and where it went: plain text, never wrapped
        string skipped = r.EmptyRecords > 0 ? $", {r.EmptyRecords} empty record(s) skipped" : "";
        ctx.Out.WriteLine(
            $"{r.Records:N0} records in {r.Input}: {r.FramesIn:N0} frames in on {r.Port}{(r.Vnic is { } v ? $" (vNIC {v})" : "")}{skipped}; w{r.Width} card, {r.Cycles:N0} cycles ({r.Cycles / r.ClockMhz:N1} µs at {r.ClockMhz} MHz)");
        string perInterface = string.Join(", ", r.Interfaces.Where(i => i.FramesOut > 0).Select(i => $"{i.Name} {i.FramesOut:N0}"));
        int dropped = r.Interfaces.Sum(i => i.DroppedIn);
        ctx.Out.WriteLine(
            $"{r.Output}: {r.Interfaces.Sum(i => i.FramesOut):N0} frames out{(perInterface.Length > 0 ? $" ({perInterface})" : "")}, {dropped:N0} dropped input frame(s) with their reason");
        var console = CliConsole.Create(ctx.Out);
        var outcomes = new Table().Title("what the card did with the input frames").AddColumn("outcome")
            .AddColumn(new TableColumn("frames").RightAligned());
        foreach (OutcomeCount o in r.Outcomes) outcomes.AddRow(Markup.Escape(o.Outcome), o.Frames.ToString("N0"));
        if (outcomes.Rows.Count > 0) console.Write(outcomes);
        console.Write(SummaryTables.Stats(stats));
        if (SummaryTables.Vnics(config.Vnics.Select(v => (v, r.Vnics.First(s => s.Id == v.Id).Counters))) is { } vt) console.Write(vt);
        if (SummaryTables.HostDeliveries(result.Host.Select(f => f.TUser), vnicWidth) is { } ht) console.Write(ht);
        if (r.Mismatches == 0)
            ctx.Out.WriteLine($"golden-model check: {r.FramesChecked:N0} output frames and every counter agree");
    }

    private static List<CaptureFrame> ReadCapture(FileInfo file)
    {
        try
        {
            return CaptureReader.ReadFile(file.FullName);
        }
        catch (CaptureFormatException e)
        {
            throw new CaptureFormatException($"{file}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--in: {file}: cannot read: {e.Message}");
        }
    }
}
