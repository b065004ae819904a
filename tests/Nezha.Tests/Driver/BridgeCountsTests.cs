using Nezha.Cli.Output;
using Nezha.Driver;
using Nezha.Verify.Tap;
using NUnit.Framework;
using Spectre.Console;

namespace Nezha.Tests.Driver;

/// <summary>
/// The frames a bridge loses outside the card (the kernel's TAP drop counters, frames the bridge did not write):
/// in the snapshot's JSON (what <c>nezha stats</c> receives), in the device table and in the summary lines.
/// </summary>
[TestFixture]
public class BridgeCountsTests
{
    private static BridgeSnapshot Snapshot(params TapSnapshot[] taps) => new(
        UptimeSeconds: 12.5, Width: 64, Cycles: 1000, Clock: "real time", TicksIssued: 12,
        Stats: [new StatValue(44, "HostRxPkts", 3520)],
        Vnics: [new VnicSnapshot(0, new VnicEntry(true, 100, 0x02640000000A, 0x0A00000A, 0x0A000001, 0), "nzv0",
            new VnicCounters(3512, 372200, 8, 962, 2, 30))],
        Taps: taps, Exceptions: [new ReasonCount(3, "Gateway", 2)], UnderlayArpReplies: 1, Undeliverable: 3,
        Checked: true, FramesChecked: 3520, Mismatches: 0, FirstMismatches: [], ProtocolErrors: 0);

    private static readonly TapSnapshot Flooded = new("nzv0", "vNIC 0", 3512, 372200, 8, 962, WriteErrors: 1, Deferred: 352, Alive: true,
        KernelTxDropped: 16490, KernelRxDropped: 7, Unwritten: 0);
    private static readonly TapSnapshot Gone = new("nzv1", "vNIC 1", 8, 944, 3512, 372218, 0, 1, Alive: false,
        KernelTxDropped: null, KernelRxDropped: null, Unwritten: 40);

    [Test]
    public void SnapshotJsonRoundTripsTheLostFrames()
    {
        BridgeSnapshot s = Snapshot(Flooded, Gone);
        string json = s.ToJson();
        Assert.That(json, Does.Contain("\"kernelTxDropped\":16490").And.Contain("\"kernelRxDropped\":7").And.Contain("\"unwritten\":40")
            .And.Contain("\"kernelTxDropped\":null"));
        BridgeSnapshot back = BridgeSnapshot.FromJson(json);
        Assert.That(back.Tap("nzv0"), Is.EqualTo(Flooded));
        Assert.That(back.Tap("nzv1"), Is.EqualTo(Gone));
    }

    [Test]
    public void ASnapshotWithoutTheNewFieldsReadsAsUnknown()
    {
        string old = Snapshot(Flooded).ToJson().Replace(",\"kernelTxDropped\":16490,\"kernelRxDropped\":7,\"unwritten\":0", "");
        Assert.That(old, Does.Not.Contain("kernel"));
        TapSnapshot t = BridgeSnapshot.FromJson(old).Tap("nzv0")!;
        Assert.That((t.KernelTxDropped, t.KernelRxDropped, t.Unwritten), Is.EqualTo(((long?)null, (long?)null, 0L)));
    }

    private static string Render(Action<IAnsiConsole> write, int width = 400)
    {
        var sw = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(sw), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = width;
        write(console);
        return sw.ToString();
    }

    private static string[] Row(string table, string device) =>
        table.Split('\n').Single(l => l.Contains($" {device} ", StringComparison.Ordinal))
            .Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Test]
    public void TheDeviceTableShowsWhatWasLostEachWay()
    {
        string table = Render(c => c.Write(SummaryTables.BridgeDevices(Snapshot(Flooded, Gone))));
        string header = table.Split('\n').First(l => l.Contains("│ device", StringComparison.Ordinal));
        Assert.That(header.Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), Is.EqualTo(new[]
        {
            "device", "attached to", "in frames", "in bytes", "in lost", "out frames", "out bytes", "out lost", "not written", "held back",
        }));
        Assert.That(Row(table, "nzv0"), Is.EqualTo(new[] { "nzv0", "vNIC 0", "3,512", "372,200", "16,490", "8", "962", "7", "1", "352" }));
        Assert.That(Row(table, "nzv1 (gone)"), Is.EqualTo(new[] { "nzv1 (gone)", "vNIC 1", "8", "944", "?", "3,512", "372,218", "?", "40", "1" }),
            "unknown kernel counters show as ?");
        Assert.That(table, Does.Contain("lost: dropped by the kernel"));
    }

    /// <summary>The bridge's console is 110 columns at least (TapCommand): device names stay whole there.</summary>
    [Test]
    public void TheDeviceTableKeepsDeviceNamesWholeAt110Columns()
    {
        TapSnapshot wide = Flooded with { Name = "nzb8614ul", Role = "underlay" };
        string table = Render(c => c.Write(SummaryTables.BridgeDevices(Snapshot(wide))), width: 110);
        Assert.That(table.Split('\n').Max(l => l.TrimEnd().Length), Is.LessThanOrEqualTo(110));
        Assert.That(table, Does.Contain("│ nzb8614ul │ underlay "));
        Assert.That(table, Does.Contain("372,200").And.Contain("16,490").And.Not.Contain("…"));
    }

    [Test]
    public void TheSummarySaysHowManyFramesNeverArrived()
    {
        string text = Render(c => SummaryTables.WriteSnapshot(c, Snapshot(Flooded, Gone)));
        Assert.That(text, Does.Contain("16,490 frame(s) sent by the namespaces never reached the card"));
        Assert.That(text, Does.Contain("51 frame(s) the card emitted never reached a namespace: 7 dropped by the kernel on receipt, 44 not written by the bridge"),
            "7 kernel drops; 1 refused write + 40 for a gone device + 3 for a vNIC without a device");

        string quiet = Render(c => SummaryTables.WriteSnapshot(c, Snapshot(Flooded with { KernelTxDropped = 0, KernelRxDropped = 0, WriteErrors = 0 }) with { Undeliverable = 0 }));
        Assert.That(quiet, Does.Not.Contain("never reached"));
    }

    [Test]
    public void ProcNetDevGivesTheDropColumnsOfTheDevice()
    {
        const string text = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
             nzv0:  372200    3512    0    7    0     0          0         0      962       8    0 16490    0     0       0          0
            nzv10: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16
            """;
        Assert.That(KernelCounters.Parse(text, "nzv0"), Is.EqualTo(new DeviceDrops(RxDropped: 7, TxDropped: 16490)));
        Assert.That(KernelCounters.Parse(text, "nzv10"), Is.EqualTo(new DeviceDrops(4, 12)));
        Assert.That(KernelCounters.Parse(text, "nzv1"), Is.Null);
        Assert.That(KernelCounters.Parse("x: 1 2 3", "x"), Is.Null, "too few columns");
    }
}
