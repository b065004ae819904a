using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Nezha.Cli.Output;
using Nezha.Driver.Config;
using Nezha.Verify.Pcap;
using Nezha.Verify.Sim;
using Nezha.Verify.Tap;
using Spectre.Console;

namespace Nezha.Cli.Commands;

/// <summary>
/// <c>nezha tap</c>: the simulated card between Linux TAP devices (docs/bridging.md). Runs until SIGINT or
/// SIGTERM; Enter (on a terminal) or SIGUSR1 prints the counters, and <c>nezha stats</c> asks for them over the
/// control socket. Everything is validated before the first device is created.
/// </summary>
public static class TapCommand
{
    private const int SIGUSR1 = 10; // Linux

    public static Command Create(CliContext ctx)
    {
        Option<FileInfo> config = SimOptions.Config(required: true);
        Option<int> width = SimOptions.Width();
        var prefix = new Option<string>("--prefix")
        {
            Description = "Device names: PREFIXvID per enabled vNIC, PREFIXul for the underlay",
            DefaultValueFactory = _ => "nz",
            HelpName = "PREFIX",
        };
        var clock = new Option<double>("--clock-mhz")
        {
            Description = "The card's clock: one session tick lasts tickCycles / clock of wall time",
            DefaultValueFactory = _ => 250.0,
            HelpName = "MHZ",
        };
        var capture = new Option<DirectoryInfo?>("--capture")
        {
            Description = "Write every frame the bridge writes to a device to DIR/DEVICE.pcap (DIR: created if only its last level is missing)",
            HelpName = "DIR",
        };
        var captureLimit = new Option<long>("--capture-limit")
        {
            Description = "Largest capture file in MB (1,000,000 bytes); a full one becomes DEVICE.1.pcap (0: no limit)",
            DefaultValueFactory = _ => TapBridgeOptions.DefaultCaptureLimitMB,
            HelpName = "MB",
        };
        var captureFiles = new Option<int>("--capture-files")
        {
            Description = "Capture files kept per device, the current one included; the oldest is deleted",
            DefaultValueFactory = _ => TapBridgeOptions.DefaultCaptureFiles,
            HelpName = "N",
        };
        var force = new Option<bool>("--force", "-f") { Description = "Replace capture files of an earlier run in --capture" };
        var socket = new Option<string?>("--socket")
        {
            Description = "Control socket for `nezha stats` (default /run/nezha/PREFIX.sock; none = no socket)",
            HelpName = "PATH|none",
        };
        var check = new Option<bool>("--check")
        {
            Description = "Check every frame and counter against the golden model (--check false: off)",
            DefaultValueFactory = _ => true,
            HelpName = "true|false",
        };
        var seed = new Option<ulong>("--seed") { Description = "Simulator seed", DefaultValueFactory = _ => 1, HelpName = "N" };

        var cmd = new Command("tap", "Bridge the simulated card to TAP devices (one per vNIC, one for the underlay) until interrupted.")
        {
            config, width, prefix, clock, capture, captureLimit, captureFiles, force, socket, check, seed,
        };
        cmd.SetAction(parse => ctx.Invoke(parse, loggers => Execute(ctx, loggers,
            parse.GetValue(config)!, parse.GetValue(width), parse.GetValue(prefix)!, parse.GetValue(clock),
            new CaptureArgs(parse.GetValue(capture), parse.GetValue(captureLimit), parse.GetValue(captureFiles), parse.GetValue(force)),
            parse.GetValue(socket), parse.GetValue(check), parse.GetValue(seed))));
        return cmd;
    }

    private sealed record CaptureArgs(DirectoryInfo? Directory, long LimitMB, int Files, bool Force);

    /// <summary>The largest --capture-limit: a million MB, a terabyte per file.</summary>
    private const long MaxCaptureLimitMB = 1_000_000;

    private static int Execute(CliContext ctx, ILoggerFactory loggers, FileInfo configFile, int width, string prefix,
        double clockMhz, CaptureArgs capture, string? socket, bool check, ulong seed)
    {
        // Everything is checked before anything is created.
        SimOptions.ConfigFile(configFile);
        SimConfig build = SimOptions.ToSimConfig(width);
        if (capture.LimitMB is < 0 or > MaxCaptureLimitMB)
            throw new UsageException($"--capture-limit: {capture.LimitMB} is not 0..{MaxCaptureLimitMB} MB");
        NicConfig config = NicConfigLoader.Load(configFile.ToString(), KnownBuilds.For(width));
        string? socketPath = socket switch
        {
            null => TapBridgeOptions.DefaultSocketPath(prefix),
            "none" => null,
            "" => throw new UsageException("--socket: empty path (use none for no socket)"),
            _ => Path.GetFullPath(socket),
        };
        var options = new TapBridgeOptions
        {
            Config = config,
            Build = build,
            Prefix = prefix,
            ClockMhz = clockMhz,
            CaptureDirectory = capture.Directory?.FullName,
            CaptureLimitBytes = capture.LimitMB * 1_000_000,
            CaptureFiles = capture.Files,
            ReplaceCaptures = capture.Force,
            ControlSocket = socketPath,
            Check = check,
            Seed = seed,
        };
        try
        {
            TapBridge.Validate(options);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        if (socketPath is not null && ControlServer.PathProblem(socketPath) is { } socketProblem) throw new UsageException($"--socket {socketProblem}");
        if (capture.Directory is null && (capture.Force || capture.LimitMB != TapBridgeOptions.DefaultCaptureLimitMB
                                          || capture.Files != TapBridgeOptions.DefaultCaptureFiles))
            throw new UsageException("--force, --capture-limit and --capture-files only apply with --capture");
        // The capture directory (its last level, if missing) is made, and shown to take files, before anything else.
        bool madeCaptureDir = false;
        if (capture.Directory is { } dir)
        {
            try
            {
                madeCaptureDir = OutputFiles.PrepareDirectory(dir.ToString());
            }
            catch (IOException e)
            {
                throw new UsageException($"--capture: {e.Message}");
            }
        }
        TapBridge created;
        try
        {
            TapDevice.CheckAccess();
            created = TapBridge.Create(options, loggers);
        }
        catch
        {
            if (madeCaptureDir && !Directory.EnumerateFileSystemEntries(capture.Directory!.FullName).Any())
                Directory.Delete(capture.Directory.FullName);
            throw;
        }

        var console = CliConsole.Create(ctx.Out);
        var print = new object();
        using TapBridge bridge = created;

        console.MarkupLineInterpolated($"[bold]Nezha[/] w{width} card on TAP devices: {string.Join(", ", bridge.Devices)} (config {configFile.Name})");
        console.MarkupLineInterpolated($"clock: {bridge.ClockDescription}");
        if (bridge.ControlSocketPath is { } sp) console.MarkupLineInterpolated($"counters: nezha stats --socket {sp}");
        if (bridge.CaptureFiles.Count > 0)
            console.MarkupLineInterpolated($"captures: {Path.GetDirectoryName(bridge.CaptureFiles[0])}/DEVICE.pcap, {(options.CaptureLimitBytes == 0 ? "no size limit" : $"at most {capture.LimitMB} MB per file, {options.CaptureFiles} files per device (DEVICE.1.pcap ... older)")}");
        console.MarkupLine(Console.IsInputRedirected
            ? "SIGUSR1 prints the counters; Ctrl-C or SIGTERM stops and removes the devices."
            : "Enter (or SIGUSR1) prints the counters; Ctrl-C or SIGTERM stops and removes the devices.");

        void PrintLive()
        {
            bridge.SnapshotAsync().ContinueWith(t =>
            {
                lock (print)
                {
                    if (t.IsCompletedSuccessfully) SummaryTables.WriteSnapshot(console, t.Result);
                    else ctx.Err.WriteLine($"nezha: counters unavailable: {t.Exception?.InnerException?.Message}");
                }
            }, TaskScheduler.Default);
        }

        int stopSignals = 0;
        void OnStop(PosixSignalContext c)
        {
            // The first one: the loop ends, the devices are closed and the summary printed by Execute. A second
            // one while that is under way terminates the process the default way (the devices vanish with it).
            if (Interlocked.Increment(ref stopSignals) > 1) return;
            c.Cancel = true;
            bridge.Stop();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnStop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStop);
        using var sigusr1 = PosixSignalRegistration.Create((PosixSignal)SIGUSR1, c =>
        {
            c.Cancel = true;
            PrintLive();
        });
        if (!Console.IsInputRedirected)
        {
            new Thread(() =>
            {
                while (Console.ReadLine() is not null) PrintLive();
            }) { IsBackground = true, Name = "nezha tap stdin" }.Start();
        }

        bridge.Run();
        BridgeSnapshot final = bridge.FinalSnapshot!;
        bridge.Dispose();
        lock (print)
        {
            console.MarkupLine("[bold]final counters[/]");
            SummaryTables.WriteSnapshot(console, final);
            console.MarkupLineInterpolated($"removed {string.Join(", ", bridge.Devices)}");
        }
        return final.Mismatches > 0 || final.ProtocolErrors > 0 ? ExitCodes.Failure : ExitCodes.Ok;
    }
}
