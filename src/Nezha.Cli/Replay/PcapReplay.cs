using Microsoft.Extensions.Logging;
using Nezha.Verify.Model;
using Nezha.Verify.Pcap;
using Nezha.Verify.Sim;
using Nezha.Verify.Testbench;

namespace Nezha.Cli.Replay;

/// <summary>One input frame and what the card did with it (the golden model's verdict for the frame the card
/// retired at <paramref name="Cycle"/>). <paramref name="Record"/> is its record number in the capture, from 1.</summary>
public sealed record InputFate(int Record, ModelVerdict Verdict, ulong Cycle);

/// <summary>
/// What a replay did: the frames that left the card per output port, the fate of every input frame the card
/// retired, the capture's records that were not pushed, how long it ran and whether the RTL and the golden model
/// agreed.
/// </summary>
public sealed record ReplayResult(
    IReadOnlyList<SimFrame> Net,
    IReadOnlyList<SimFrame> Host,
    IReadOnlyList<InputFate> Inputs,
    int Records,
    int Pushed,
    int EmptyRecords,
    int CutBySnapLength,
    ulong CyclesRun,
    bool ReachedIdle,
    long FramesChecked,
    IReadOnlyList<string> Mismatches);

/// <summary>
/// Pushes captured frames into one input of a simulated card back to back and collects both outputs. The card
/// runs beside the golden model (<see cref="NicBench"/>): every output frame and counter is checked, and the
/// model's verdict tells why a frame was dropped. Zero-length records carry no frame and are not pushed (they
/// are counted as <see cref="ReplayResult.EmptyRecords"/>); a record cut by the capture's snap length is
/// pushed as captured.
/// </summary>
public sealed class PcapReplay(NicBench bench, ILogger logger)
{
    public const int NetPort = NicBench.Net, HostPort = NicBench.Host;

    /// <summary>A cycle budget that any sane capture finishes within: generous per byte and per frame.</summary>
    public static ulong DefaultMaxCycles(IReadOnlyList<CaptureFrame> frames) =>
        1_000_000UL + (ulong)frames.Sum(f => 4L * f.Data.Length + 5_000L);

    public ReplayResult Run(IReadOnlyList<CaptureFrame> frames, int port, uint tuser, ulong maxCycles)
    {
        var net = new List<SimFrame>();
        var host = new List<SimFrame>();
        bench.OnOutput = f => (f.Port == NetPort ? net : host).Add(f);
        int retiredBefore = bench.Retired.Count;

        var records = new List<int>(frames.Count);
        int cut = 0, empty = 0;
        for (int i = 0; i < frames.Count; i++)
        {
            CaptureFrame f = frames[i];
            if (f.Data.Length == 0)
            {
                empty++;
                continue;
            }
            if (f.Data.Length < f.OriginalLength) cut++;
            bench.Send(port, f.Data.ToArray(), tuser);
            records.Add(i + 1);
        }
        if (cut > 0)
            logger.LogWarning("{Cut} frames were cut short by the capture's snap length; pushed as captured", cut);
        if (empty > 0)
            logger.LogInformation("{Empty} zero-length records carry no frame; skipped", empty);
        logger.LogInformation("pushed {Count} frames on the {Port} port (tuser 0x{TUser:X})", records.Count, PortName(port), tuser);

        ulong start = bench.Sim.Cycle;
        bool idle = true;
        try
        {
            bench.Drain(maxCycles);
        }
        catch (TimeoutException e)
        {
            idle = false;
            bench.Pump(0); // what did come out, and the verdicts of what was retired
            logger.LogWarning("{Message}; output may be incomplete", e.Message);
        }
        ulong cycles = bench.Sim.Cycle - start;

        var fates = new List<InputFate>(records.Count);
        for (int k = retiredBefore; k < bench.Retired.Count && k - retiredBefore < records.Count; k++)
        {
            var (_, verdict, cycle) = bench.Retired[k];
            fates.Add(new InputFate(records[k - retiredBefore], verdict, cycle));
        }
        logger.LogInformation("ran {Cycles} cycles: {Net} frames out on net, {Host} on host", cycles, net.Count, host.Count);
        return new ReplayResult(net, host, fates, frames.Count, records.Count, empty, cut, cycles, idle,
            bench.FramesChecked, bench.Errors.ToList());
    }

    public static string PortName(int port) => port == NetPort ? "net" : "host";
}
