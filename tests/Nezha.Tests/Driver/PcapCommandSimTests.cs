using System.Buffers.Binary;
using System.Text.Json;
using Nezha.Cli;
using Nezha.Cli.Replay;
using Nezha.Common.Registers;
using Nezha.Tests.Interop;
using Nezha.Verify.Pcap;
using NUnit.Framework;
using static Nezha.Verify.Testbench.FrameBuilder;
using IpProto = Nezha.Verify.Testbench.IpProto;
using TcpFlags = Nezha.Verify.Testbench.TcpFlags;

namespace Nezha.Tests.Driver;

/// <summary><c>nezha pcap</c> end to end on the simulated w64 card with configs/default.json.</summary>
[TestFixture]
public class PcapCommandSimTests
{
    private static readonly ulong Gw = Mac("02:00:00:00:00:fe"), Vm0 = Mac("02:64:00:00:00:0a"), Vm1 = Mac("02:64:00:00:00:0b");
    private string _dir = null!;

    [SetUp] public void SetUp() => _dir = TestFiles.TempDir();
    [TearDown] public void TearDown() => Directory.Delete(_dir, true);

    private static byte[] FromVm0(string dst, byte proto, byte[] l4) => Ethernet(Gw, Vm0, 0x0800, Ipv4(Ip("10.0.0.10"), Ip(dst), proto, l4));

    /// <summary>Local delivery, an ACL drop, a VXLAN encap, a gateway exception; then a spoofed frame (SPOOF).</summary>
    private string FourFlowsAndASpoof(bool emptyRecord = false)
    {
        string input = Path.Combine(_dir, "in.pcap");
        using var w = PcapWriter.Create(input);
        w.Write(FromVm0("10.0.0.11", IpProto.Tcp, Tcp(40000, 80, TcpFlags.Syn, Payload(0))), 0);   // 1 local: vNIC 1
        w.Write(FromVm0("10.0.0.11", IpProto.Tcp, Tcp(40001, 443, TcpFlags.Syn, Payload(0))), 1);  // 2 ACL deny
        if (emptyRecord) w.Write([], 2);                                                            // 3 no frame
        w.Write(FromVm0("10.0.0.20", IpProto.Tcp, Tcp(40002, 22, TcpFlags.Syn, Payload(0))), 3);   // remote: VXLAN
        w.Write(FromVm0("10.0.0.1", IpProto.Icmp, IcmpEcho(true, 7, 1, Payload(32))), 4);         // gateway exception
        w.Write(Ethernet(Gw, Vm0, 0x0800, Ipv4(Ip("10.0.0.99"), Ip("10.0.0.11"), IpProto.Udp, Udp(1, 2, Payload(8)))), 5); // SPOOF
        return input;
    }

    private (int Code, string Out, string Err) Pcap(params string[] extra) =>
        CliRun.Run(["pcap", "--config", TestFiles.DefaultConfig, "--port", "host", "--vnic", "0", "--out", _dir, "--verbosity", "quiet", .. extra]);

    [Test]
    public void ReplaysAHostCaptureIntoOnePcapNgWithAnInterfacePerPort()
    {
        var (code, stdout, stderr) = Pcap("--in", FourFlowsAndASpoof());
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);
        Assert.That(Directory.GetFiles(_dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "in.pcap", "replay.pcapng" }),
            "one output file, no temporary left");

        CaptureFile cap = CaptureReader.ReadAll(File.ReadAllBytes(Path.Combine(_dir, "replay.pcapng")));
        Assert.That(cap.Interfaces.Select(i => i.Name), Is.EqualTo(new[] { "net", "host", "vnic0", "vnic1", "vnic2", "vnic3" }));
        Assert.That(cap.Interfaces[3].Description, Does.StartWith("vNIC 1 (VNI 100, 10.0.0.11, 02:64:00:00:00:0b)"));
        string Ifc(CaptureFrame f) => cap.Interfaces[f.Interface].Name!;

        CaptureFrame[] net = cap.Frames.Where(f => Ifc(f) == "net").ToArray();
        Assert.That(net, Has.Length.EqualTo(1));
        Assert.That(net[0].Direction, Is.EqualTo(PacketDirection.Outbound));
        ReadOnlySpan<byte> outer = net[0].Data.Span;
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(outer[30..]), Is.EqualTo(Ip("192.168.100.2")), "outer IP dst = remote VTEP");
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(outer[36..]), Is.EqualTo((ushort)4789));

        CaptureFrame delivered = cap.Frames.Single(f => Ifc(f) == "vnic1");
        Assert.That(ReadMac(delivered.Data.Span), Is.EqualTo(Vm1), "delivered to vNIC 1's MAC");
        Assert.That((delivered.Direction, delivered.Comment), Is.EqualTo((PacketDirection.Outbound, (string?)null)));

        CaptureFrame exception = cap.Frames.Single(f => Ifc(f) == "host");
        Assert.That(exception.Comment, Is.EqualTo("exception to host: GATEWAY (vNIC 0)"));

        CaptureFrame[] dropped = cap.Frames.Where(f => f.Direction == PacketDirection.Inbound).ToArray();
        Assert.That(dropped.Select(Ifc), Is.All.EqualTo("vnic0"), "a dropped input is on the interface it came in on");
        Assert.That(dropped.Select(f => f.Comment), Is.EqualTo(new[] { "dropped: ACL_DENY (input frame 2)", "dropped: SPOOF (input frame 5)" }));
        Assert.That(dropped[1].Data.ToArray(), Is.EqualTo(CaptureReader.ReadFile(Path.Combine(_dir, "in.pcap"))[4].Data.ToArray()),
            "the dropped frame as it came in");

        Assert.That(cap.Frames.Zip(cap.Frames.Skip(1)).All(p => p.First.TimestampNs <= p.Second.TimestampNs), Is.True, "in cycle order");
        Assert.That(cap.Frames.All(f => f.TimestampNs % 4 == 0), Is.True, "cycles at 250 MHz are 4 ns");

        Assert.That(stdout, Does.Contain("5 records in").And.Contain("5 frames in on host (vNIC 0)"));
        Assert.That(stdout, Does.Contain("3 frames out (net 1, host 1, vnic1 1), 2 dropped input frame(s)"));
        Assert.That(stdout, Does.Contain("dropped: ACL_DENY").And.Contain("exception to host: GATEWAY").And.Contain("delivered to vNIC 1"));
        Assert.That(stdout, Does.Contain("AclDeny").And.Contain("ExcGateway"));
        Assert.That(stdout, Does.Not.Contain("RouteDrop"), "zero counters are left out");
    }

    /// <summary>tshark reads the same file: interface names, comments and directions as written.</summary>
    [Test]
    public void TsharkShowsWhereEachFrameWent()
    {
        var (code, _, stderr) = Pcap("--in", FourFlowsAndASpoof());
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);
        var lines = Tshark.Fields(Path.Combine(_dir, "replay.pcapng"), [],
            "frame.interface_name", "frame.interface_description", "frame.packet_flags_direction", "frame.comment");
        var byName = lines.Select(l => l.Split('\t')).ToList();
        Assert.That(byName.Select(f => f[0]), Is.EquivalentTo(new[] { "net", "vnic1", "host", "vnic0", "vnic0" }));
        Assert.That(byName.Single(f => f[0] == "host")[3], Is.EqualTo("exception to host: GATEWAY (vNIC 0)"));
        Assert.That(byName.Where(f => f[0] == "vnic0").Select(f => (f[2], f[3])),
            Is.EqualTo(new[] { ("0x00000001", "dropped: ACL_DENY (input frame 2)"), ("0x00000001", "dropped: SPOOF (input frame 5)") }));
        Assert.That(byName.Single(f => f[0] == "net")[2], Is.EqualTo("0x00000002"), "outbound");
        Assert.That(byName.Single(f => f[0] == "vnic1")[1], Does.StartWith("vNIC 1 (VNI 100"));
    }

    [Test]
    public void JsonSummaryIsAllThatIsOnStdout()
    {
        var (code, stdout, stderr) = Pcap("--in", FourFlowsAndASpoof(), "--json");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);
        PcapReport r = JsonSerializer.Deserialize<PcapReport>(stdout, Nezha.Verify.Tap.BridgeSnapshot.Json)!;
        Assert.That(stdout.Trim().Split('\n'), Has.Length.EqualTo(1), "one line of JSON");
        Assert.That((r.Port, r.Vnic, r.Width, r.Records, r.FramesIn, r.EmptyRecords, r.ReachedIdle), Is.EqualTo(("host", (int?)0, 64, 5, 5, 0, true)));
        Assert.That(r.Output, Is.EqualTo(Path.Combine(_dir, "replay.pcapng")));
        Assert.That(r.Interfaces.Where(i => i.FramesOut + i.DroppedIn > 0).Select(i => (i.Name, i.FramesOut, i.DroppedIn)),
            Is.EqualTo(new[] { ("net", 1, 0), ("host", 1, 0), ("vnic0", 0, 2), ("vnic1", 1, 0) }));
        Assert.That(r.Outcomes.ToDictionary(o => o.Outcome, o => o.Frames), Is.EquivalentTo(new Dictionary<string, int>
        {
            ["dropped: ACL_DENY"] = 1, ["dropped: SPOOF"] = 1, ["delivered to vNIC 1"] = 1, ["sent on net"] = 1,
            ["exception to host: GATEWAY"] = 1,
        }));
        Assert.That(r.Stats.Single(s => s.Index == (int)StatIndex.AclDeny).Value, Is.EqualTo(1UL));
        Assert.That(r.Stats.Single(s => s.Index == (int)StatIndex.HostRxPkts).Value, Is.EqualTo(5UL), "the card took all five");
        Assert.That((r.Mismatches, r.FramesChecked), Is.EqualTo((0, 3L)));
    }

    /// <summary>A zero-length record is no frame: counted apart, not pushed, and the card's count agrees.</summary>
    [Test]
    public void AnEmptyRecordIsCountedApartFromTheFramesTheCardSaw()
    {
        var (code, stdout, stderr) = Pcap("--in", FourFlowsAndASpoof(emptyRecord: true), "--json");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);
        PcapReport r = JsonSerializer.Deserialize<PcapReport>(stdout, Nezha.Verify.Tap.BridgeSnapshot.Json)!;
        Assert.That((r.Records, r.FramesIn, r.EmptyRecords), Is.EqualTo((6, 5, 1)));
        Assert.That(r.Stats.Single(s => s.Index == (int)StatIndex.HostRxPkts).Value, Is.EqualTo((ulong)r.FramesIn),
            "the card saw the frames counted in");
        Assert.That(r.Outcomes.Sum(o => o.Frames), Is.EqualTo(r.FramesIn));
        CaptureFile cap = CaptureReader.ReadAll(File.ReadAllBytes(r.Output));
        Assert.That(cap.Frames.Where(f => f.Comment?.StartsWith("dropped") == true).Select(f => f.Comment),
            Is.EqualTo(new[] { "dropped: ACL_DENY (input frame 2)", "dropped: SPOOF (input frame 6)" }), "record numbers of the capture");

        (code, stdout, stderr) = Pcap("--in", FourFlowsAndASpoof(emptyRecord: true), "--force");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);
        Assert.That(stdout, Does.Contain("6 records in").And.Contain("5 frames in on host (vNIC 0), 1 empty record(s) skipped"));
    }

    [Test]
    public void ReplaysOnTheNetPortWithDropsOnTheNetInterface()
    {
        string input = Path.Combine(_dir, "net.pcap");
        using (var w = PcapWriter.Create(input))
            w.Write(Ethernet(Mac("02:00:00:00:01:01"), Mac("02:00:00:00:fe:01"), 0x86DD, Payload(60)), 0); // IPv6: UNSUPPORTED
        var (code, _, stderr) = CliRun.Run("pcap", "-c", TestFiles.DefaultConfig, "-i", input, "-p", "net", "-o", _dir, "--json");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);
        CaptureFile cap = CaptureReader.ReadAll(File.ReadAllBytes(Path.Combine(_dir, "replay.pcapng")));
        CaptureFrame f = cap.Frames.Single();
        Assert.That((cap.Interfaces[f.Interface].Name, f.Direction, f.Comment),
            Is.EqualTo(("net", PacketDirection.Inbound, (string?)"dropped: UNSUPPORTED (input frame 1)")));
    }
}
