using Nezha.Driver.Config;
using Nezha.Verify.Sim;

namespace Nezha.Verify.Tap;

/// <summary>How <see cref="TapBridge"/> is set up. Only <see cref="Config"/> is required.</summary>
public sealed record TapBridgeOptions
{
    /// <summary>The card configuration (validated against the build, e.g. by NicConfigLoader with its limits).</summary>
    public required NicConfig Config { get; init; }

    public SimConfig Build { get; init; } = SimConfig.W64;

    /// <summary>Device names are <c>PREFIX v ID</c> per enabled vNIC and <c>PREFIX ul</c> for the underlay.</summary>
    public string Prefix { get; init; } = "nz";

    /// <summary>The card's clock: a tick lasts <c>tickCycles / clock</c> of wall time.</summary>
    public double ClockMhz { get; init; } = 250;

    /// <summary>Directory for one pcap per TAP device with every frame written to it; null = no capture. It must
    /// exist or be missing only its last level (which is then created).</summary>
    public string? CaptureDirectory { get; init; }

    /// <summary>Largest size of one capture file in bytes, 0 = no limit; a full file is rotated
    /// (<see cref="Nezha.Verify.Pcap.RotatingPcapWriter"/>: DEVICE.pcap, DEVICE.1.pcap, ...).</summary>
    public long CaptureLimitBytes { get; init; } = DefaultCaptureLimitMB * 1_000_000L;

    /// <summary>Capture files kept per device, the current one included (1..1000).</summary>
    public int CaptureFiles { get; init; } = DefaultCaptureFiles;

    /// <summary>Replace capture files of an earlier run in the names this run uses (else their presence is an error).</summary>
    public bool ReplaceCaptures { get; init; }

    public const int DefaultCaptureLimitMB = 64, DefaultCaptureFiles = 4, MaxCaptureFiles = 1000;

    /// <summary>Unix socket answering <c>stats</c> requests; null = none.</summary>
    public string? ControlSocket { get; init; }

    /// <summary>Check every frame and counter against the golden model (NicBench).</summary>
    public bool Check { get; init; } = true;

    public ulong Seed { get; init; } = 1;

    /// <summary>Use the core's external tick (TICK_CYCLES = 0) for real-time session timeouts when it has one.</summary>
    public bool RealTimeTicks { get; init; } = true;

    /// <summary>Frames queued on one input of the card before the bridge stops reading that input's devices
    /// (they then wait in the kernel's TAP queue, which drops when it overflows, like a real link).</summary>
    public int MaxPendingFrames { get; init; } = 64;

    /// <summary>Cycles run per step while the card is busy; outputs are written to the devices after each step.</summary>
    public uint StepCycles { get; init; } = 128;

    /// <summary>Cycles run per tick pulse besides the pulse's own, so the session sweeper moves on while the card
    /// is idle (4 at 1 ms ticks: 5000 cycles a second, a full sweep of the w64 table in about half a second).</summary>
    public uint SweepCycles { get; init; } = 4;

    public static string DefaultSocketPath(string prefix) => $"{ControlServer.RunDirectory}/{prefix}.sock";

    /// <summary>The longest prefix: "ul" and "v" + the largest vNIC id must fit the 15-character interface name.</summary>
    public const int MaxPrefixLength = 11;
}
