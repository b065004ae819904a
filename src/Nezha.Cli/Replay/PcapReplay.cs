using Microsoft.Extensions.Logging;
using Nezha.Verify.Pcap;
using Nezha.Verify.Sim;

namespace Nezha.Cli.Replay;

/// <summary>The frames that left the card, per output port, and how long it ran.</summary>
public sealed record ReplayResult(IReadOnlyList<SimFrame> Net, IReadOnlyList<SimFrame> Host, ulong CyclesRun, bool ReachedIdle);

/// <summary>Pushes captured frames into one input of a simulated card back to back and collects both outputs.</summary>
public sealed class PcapReplay(SimNic sim, ILogger logger)
{
    public const int NetPort = 0, HostPort = 1;

    /// <summary>A cycle budget that any sane capture finishes within: generous per byte and per frame.</summary>
    public static ulong DefaultMaxCycles(IReadOnlyList<CaptureFrame> frames) =>
        1_000_000UL + (ulong)frames.Sum(f => 4L * f.Data.Length + 5_000L);

    public ReplayResult Run(IReadOnlyList<CaptureFrame> frames, int port, uint tuser, ulong maxCycles)
    {
        int cut = 0;
        foreach (CaptureFrame f in frames)
        {
            if (f.Data.Length < f.OriginalLength) cut++;
            if (f.Data.Length == 0) continue;
            sim.Push(port, f.Data.Span, tuser);
        }
        if (cut > 0)
            logger.LogWarning("{Cut} frames were cut short by the capture's snap length; pushed as captured", cut);
        logger.LogInformation("pushed {Count} frames on the {Port} port (tuser 0x{TUser:X})", frames.Count, PortName(port), tuser);

        ulong start = sim.Cycle;
        bool idle = true;
        try
        {
            sim.RunUntilIdle(maxCycles);
        }
        catch (TimeoutException e)
        {
            idle = false;
            logger.LogWarning("{Message}; output may be incomplete", e.Message);
        }
        ulong cycles = sim.Cycle - start;

        var net = Drain(NetPort);
        var host = Drain(HostPort);
        logger.LogInformation("ran {Cycles} cycles: {Net} frames out on net, {Host} on host", cycles, net.Count, host.Count);
        return new ReplayResult(net, host, cycles, idle);
    }

    private List<SimFrame> Drain(int port)
    {
        var frames = new List<SimFrame>();
        while (sim.TryPop(port, out SimFrame f))
        {
            logger.LogDebug("{Port} out #{N}: cycle {Cycle}, tuser 0x{TUser:X}, {Len} bytes",
                PortName(port), frames.Count, f.Cycle, f.TUser, f.Data.Length);
            frames.Add(f);
        }
        return frames;
    }

    public static string PortName(int port) => port == NetPort ? "net" : "host";
}
