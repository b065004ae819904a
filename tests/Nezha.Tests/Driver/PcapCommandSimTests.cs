using System.Buffers.Binary;
using Nezha.Cli;
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

    [Test]
    public void ReplaysAHostCaptureThroughTheDefaultConfig()
    {
        string input = Path.Combine(_dir, "in.pcap");
        using (var w = PcapWriter.Create(input))
        {
            w.Write(FromVm0("10.0.0.11", IpProto.Tcp, Tcp(40000, 80, TcpFlags.Syn, Payload(0))), 0);   // local: vNIC 1
            w.Write(FromVm0("10.0.0.11", IpProto.Tcp, Tcp(40001, 443, TcpFlags.Syn, Payload(0))), 1);  // ACL deny
            w.Write(FromVm0("10.0.0.20", IpProto.Tcp, Tcp(40002, 22, TcpFlags.Syn, Payload(0))), 2);   // remote: VXLAN
            w.Write(FromVm0("10.0.0.1", IpProto.Icmp, IcmpEcho(true, 7, 1, Payload(32))), 3);         // gateway exception
        }
        var o = new StringWriter();
        var e = new StringWriter();
        int code = NezhaApp.Run(["pcap", "--config", TestFiles.DefaultConfig, "--in", input, "--port", "host", "--vnic", "0",
            "--out", _dir, "--verbosity", "quiet"], o, e);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), e.ToString());

        List<CaptureFrame> net = CaptureReader.ReadFile(Path.Combine(_dir, "net.pcap"));
        List<CaptureFrame> host = CaptureReader.ReadFile(Path.Combine(_dir, "host.pcap"));
        Assert.That(net, Has.Count.EqualTo(1));
        ReadOnlySpan<byte> outer = net[0].Data.Span;
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(outer[30..]), Is.EqualTo(Ip("192.168.100.2")), "outer IP dst = remote VTEP");
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(outer[36..]), Is.EqualTo((ushort)4789));
        Assert.That(host, Has.Count.EqualTo(2));
        Assert.That(host.Any(f => ReadMac(f.Data.Span) == Vm1), Is.True, "delivered to vNIC 1's MAC");
        Assert.That(host.Zip(host.Skip(1)).All(p => p.First.TimestampNs <= p.Second.TimestampNs), Is.True);
        Assert.That(host[0].TimestampNs % 4, Is.EqualTo(0UL), "cycles at 250 MHz are 4 ns");
        string summary = o.ToString();
        Assert.That(summary, Does.Contain("AclDeny"));
        Assert.That(summary, Does.Contain("ExcGateway"));
        Assert.That(summary, Does.Not.Contain("RouteDrop"), "zero counters are left out");
    }
}
