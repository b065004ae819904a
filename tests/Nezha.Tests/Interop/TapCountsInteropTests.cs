using System.Diagnostics;
using Nezha.Cli;
using Nezha.Verify.Tap;
using Nezha.Tests.Driver;
using NUnit.Framework;

namespace Nezha.Tests.Interop;

/// <summary>
/// Frames lost outside the card are counted where the user sees them (issue #12): a namespace that sends faster
/// than the simulated card takes frames overflows its TAP device's queue, and the kernel's drop counter of that
/// device (read in the namespace the device was moved to) shows in the snapshot, in <c>nezha stats</c> and in the
/// final counters; and the captures rotate at their size limit.
/// </summary>
[TestFixture]
[Category("Interop")]
public class TapCountsInteropTests : InteropFixture
{
    private const int Datagrams = 20_000;

    [Test]
    public void TapQueueDropsOfAFloodShowInTheCountersAndInStats()
    {
        TapBridge bridge = StartBridge(Parse(ConfigJson([Vm0, Vm1], [])));
        string vm0 = VmNamespace(Vm0, "vm0");
        VmNamespace(Vm1, "vm1");
        Ping(vm0, Vm1.Ip, count: 1); // ARP resolved, so the flood is UDP only
        string dev0 = TapBridge.VnicDeviceName(Prefix, 0);
        BridgeSnapshot before = Snapshot(bridge);
        Assert.That(before.Tap(dev0)!.KernelTxDropped, Is.Zero, "the counter is read (in vm0's namespace) and starts at 0");

        Background flood = Peer(vm0, "flood", Vm1.Ip, "9", Datagrams.ToString(), "64");
        string said = flood.NextLine(Long);
        Assert.That(flood.WaitForExit(Short), Is.Zero, flood.Stderr);
        long sent = long.Parse(said.Split(' ')[1]);
        Assert.That(sent, Is.GreaterThan(Datagrams / 2), said);

        // the bridge works off what the queue still holds; then every datagram was either read or dropped
        BridgeSnapshot s = Snapshot(bridge);
        var sw = Stopwatch.StartNew();
        for (BridgeSnapshot next; sw.Elapsed < Long; s = next)
        {
            Thread.Sleep(300);
            next = Snapshot(bridge);
            if (next.Tap(dev0)!.FramesIn == s.Tap(dev0)!.FramesIn) break;
        }
        TapSnapshot d = s.Tap(dev0)!;
        TestContext.Progress.WriteLine($"  {sent:N0} datagrams sent: {d.FramesIn - before.Tap(dev0)!.FramesIn:N0} read by the bridge, {d.KernelTxDropped:N0} dropped by the kernel");
        Assert.That(d.KernelTxDropped, Is.GreaterThan(0), "the card is far slower than the sender: the TAP queue overflowed");
        long accounted = d.FramesIn - before.Tap(dev0)!.FramesIn + d.KernelTxDropped!.Value;
        Assert.That(accounted, Is.InRange(sent, sent + 50), "every datagram was read by the bridge or counted as dropped (plus a few ARP frames)");

        string socket = Path.Combine(CaptureDirectory, "control.sock");
        var json = CliRun.Run("stats", "--socket", socket, "--json");
        Assert.That(json.Code, Is.EqualTo(ExitCodes.Ok), json.Err);
        TapSnapshot viaSocket = BridgeSnapshot.FromJson(json.Out).Tap(dev0)!;
        Assert.That(viaSocket.KernelTxDropped, Is.GreaterThanOrEqualTo(d.KernelTxDropped), "nezha stats --json carries the count");
        var tables = CliRun.Run("stats", "--socket", socket);
        Assert.That(tables.Code, Is.EqualTo(ExitCodes.Ok), tables.Err);
        Assert.That(tables.Out, Does.Contain("in lost").And.Contain($"{viaSocket.KernelTxDropped:N0} frame(s) sent by the namespaces never reached the card"));

        BridgeSnapshot final = Finish();
        Assert.That(final.Tap(dev0)!.KernelTxDropped, Is.GreaterThanOrEqualTo(d.KernelTxDropped), "in the final counters too");
    }

    [Test]
    public void CapturesRotateAtTheirSizeLimit()
    {
        const long limit = 20_000;
        StartBridge(Parse(ConfigJson([Vm0, Vm1], [])), o => o with { CaptureLimitBytes = limit, CaptureFiles = 3 });
        string vm0 = VmNamespace(Vm0, "vm0"), vm1 = VmNamespace(Vm1, "vm1");
        TcpTransfer(vm1, Vm1.Ip, vm0, 256 * 1024, 5001);
        Finish();

        string dev1 = TapBridge.VnicDeviceName(Prefix, 1);
        string[] files = Directory.GetFiles(CaptureDirectory, dev1 + ".*").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.That(files, Is.EqualTo(new[] { dev1 + ".1.pcap", dev1 + ".2.pcap", dev1 + ".pcap" }), "three files kept, the oldest deleted");
        foreach (string f in files)
            Assert.That(new FileInfo(Path.Combine(CaptureDirectory, f)).Length, Is.LessThanOrEqualTo(limit), f);
    }

    private static BridgeSnapshot Snapshot(TapBridge bridge)
    {
        Task<BridgeSnapshot> t = bridge.SnapshotAsync();
        Assert.That(t.Wait(Short), Is.True, "the bridge answers a snapshot request while running");
        return t.Result;
    }
}
