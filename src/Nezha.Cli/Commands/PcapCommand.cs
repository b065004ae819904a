using System.CommandLine;
using Microsoft.Extensions.Logging;
using Nezha.Cli.Output;
using Nezha.Verify.Pcap;
using Nezha.Cli.Replay;
using Nezha.Driver;
using Nezha.Driver.Config;
using Nezha.Verify.Sim;
using Spectre.Console;

namespace Nezha.Cli.Commands;

/// <summary>
/// <c>nezha pcap</c>: programs a simulated card from a config, replays a capture into one of its inputs and
/// writes what came out of each output as a pcap.
/// </summary>
public static class PcapCommand
{
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
            Description = "Sending vNIC for --port host (tuser vNIC id); default 0",
            HelpName = "N",
        };
        Option<int> width = SimOptions.Width();
        var output = new Option<DirectoryInfo>("--out", "-o")
        {
            Description = "Directory for net.pcap and host.pcap (created if missing)",
            Required = true,
            HelpName = "DIR",
        };
        var clock = new Option<double>("--clock-mhz")
        {
            Description = "Clock that turns output cycles into pcap timestamps",
            DefaultValueFactory = _ => 250.0,
            HelpName = "MHZ",
        };
        var maxCycles = new Option<ulong?>("--max-cycles") { Description = "Give up after this many cycles", HelpName = "N" };
        var trace = new Option<FileInfo?>("--trace") { Description = "Waveform file (needs the trace flavour of the simulator)", HelpName = "FILE" };
        var seed = new Option<ulong>("--seed") { Description = "Simulator seed", DefaultValueFactory = _ => 1, HelpName = "N" };

        var cmd = new Command("pcap", "Replay a capture through the simulated card programmed from a config.")
        {
            config, input, port, vnic, width, output, clock, maxCycles, trace, seed,
        };
        cmd.SetAction(parse => ctx.Invoke(parse, loggers =>
        {
            var args = new PcapArgs(
                parse.GetValue(config)!, parse.GetValue(input)!, parse.GetValue(port) == "net" ? PcapReplay.NetPort : PcapReplay.HostPort,
                parse.GetValue(vnic), parse.GetValue(width), parse.GetValue(output)!, parse.GetValue(clock),
                parse.GetValue(maxCycles), parse.GetValue(trace), parse.GetValue(seed));
            return Execute(args, ctx, loggers);
        }));
        return cmd;
    }

    private sealed record PcapArgs(
        FileInfo Config, FileInfo Input, int Port, int? Vnic, int Width, DirectoryInfo Out,
        double ClockMhz, ulong? MaxCycles, FileInfo? Trace, ulong Seed);

    private static int Execute(PcapArgs a, CliContext ctx, ILoggerFactory loggers)
    {
        ILogger log = loggers.CreateLogger("nezha.pcap");
        // Everything that can be wrong with the arguments is checked before the card is touched.
        if (a.Vnic is not null && a.Port == PcapReplay.NetPort)
            throw new UsageException("--vnic only applies to --port host");
        if (a.ClockMhz is <= 0 or > 100_000 || double.IsNaN(a.ClockMhz))
            throw new UsageException($"--clock-mhz: {a.ClockMhz} is not a clock frequency");
        SimOptions.ConfigFile(a.Config);
        if (!a.Input.Exists) throw new UsageException($"{a.Input}: no such file");
        SimConfig simConfig = SimOptions.ToSimConfig(a.Width);
        _ = NicConfigLoader.Load(a.Config.ToString()); // syntax and values, before the simulator starts
        List<CaptureFrame> frames = ReadCapture(a.Input);

        using var sim = new SimNic(simConfig, a.Seed, a.Trace?.FullName);
        sim.RunUntilIdle(1_000_000); // the session table clears itself after reset
        var driver = new NicDriver(new SimTransport(sim), loggers.CreateLogger<NicDriver>());
        NicInfo info = driver.Discover();
        NicConfig config = NicConfigLoader.Load(a.Config.ToString(), info); // ids and sizes against this build
        int vnicId = a.Vnic ?? 0;
        if (vnicId < 0 || vnicId >= info.NVnic)
            throw new UsageException($"--vnic: {vnicId} is out of range 0..{info.NVnic - 1} for the w{a.Width} build");

        driver.Apply(config);
        uint tuser = a.Port == PcapReplay.HostPort ? (uint)vnicId : 0u;
        var replay = new PcapReplay(sim, log);
        ReplayResult result = replay.Run(frames, a.Port, tuser, a.MaxCycles ?? PcapReplay.DefaultMaxCycles(frames));

        a.Out.Create();
        string netPath = Path.Combine(a.Out.FullName, "net.pcap"), hostPath = Path.Combine(a.Out.FullName, "host.pcap");
        WritePcap(netPath, result.Net, a.ClockMhz);
        WritePcap(hostPath, result.Host, a.ClockMhz);

        var console = CliConsole.Create(ctx.Out);
        console.MarkupLineInterpolated(
            $"[bold]{frames.Count}[/] frames in on [bold]{PcapReplay.PortName(a.Port)}[/]{(a.Port == PcapReplay.HostPort ? $" (vNIC {vnicId})" : "")}, w{a.Width} card, {result.CyclesRun:N0} cycles ({result.CyclesRun / a.ClockMhz:N1} µs at {a.ClockMhz} MHz)");
        console.MarkupLineInterpolated($"{netPath}: {result.Net.Count} frames");
        console.MarkupLineInterpolated($"{hostPath}: {result.Host.Count} frames");
        console.Write(SummaryTables.Stats(driver.ReadAllStats()));
        if (SummaryTables.Vnics(config.Vnics.Select(v => (v, driver.ReadVnicCounters(v.Id)))) is { } vt) console.Write(vt);
        if (SummaryTables.HostDeliveries(result.Host.Select(f => f.TUser), sim.VnicWidth) is { } ht) console.Write(ht);
        if (!result.ReachedIdle)
        {
            ctx.Err.WriteLine($"nezha: the card was still busy after {result.CyclesRun} cycles (raise --max-cycles)");
            return ExitCodes.Failure;
        }
        return ExitCodes.Ok;
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
    }

    private static void WritePcap(string path, IReadOnlyList<SimFrame> frames, double clockMhz)
    {
        using PcapWriter w = PcapWriter.Create(path);
        foreach (SimFrame f in frames)
            w.Write(f.Data, (ulong)Math.Round(f.Cycle * 1000.0 / clockMhz));
    }
}
