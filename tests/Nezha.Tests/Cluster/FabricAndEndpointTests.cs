using Nezha.Verify.Cluster;
using Nezha.Verify.Testbench;
using NUnit.Framework;
using static Nezha.Verify.Testbench.FrameBuilder;

namespace Nezha.Tests.Cluster;

/// <summary>
/// The cluster's underlay and its software endpoints, without any NIC: delivery times of the fabric, down
/// nodes, and the client / server TCP state machines talking through a software "vSwitch" that can lose frames.
/// </summary>
[TestFixture]
public class FabricAndEndpointTests
{
    private sealed class Recorder(uint vtep) : IFabricPort
    {
        public uint Vtep { get; } = vtep;
        public List<(byte[] Frame, ulong Time)> Got { get; } = new();
        public void FromFabric(byte[] frame, ulong time) => Got.Add((frame, time));
    }

    private static byte[] To(uint src, uint dst, int tag) =>
        Vxlan(1, 2, src, dst, 7, Ethernet(3, 4, 0x0800, Ipv4(1, 2, IpProto.Udp, Udp(1, 2, Payload(4, tag)))));

    [Test]
    public void FramesArriveExactlyOneLatencyLaterInOrder()
    {
        using var c = new Verify.Cluster.Cluster(ClusterClock.Default, latencyCycles: 100, chunkCycles: 40);
        var a = new Recorder(Ip("192.168.9.1"));
        var b = new Recorder(Ip("192.168.9.2"));
        c.AddHost(a);
        c.AddHost(b);
        c.Start();
        foreach (ulong t in new ulong[] { 5, 5, 17, 250 })
            c.At(t, now => c.Fabric.Send(a.Vtep, To(a.Vtep, b.Vtep, (int)now), now));
        c.At(30, now => c.Fabric.Send(b.Vtep, To(b.Vtep, a.Vtep, 1), now));
        c.At(31, now => c.Fabric.Send(b.Vtep, To(b.Vtep, Ip("192.168.9.99"), 1), now));
        c.RunUntil(1000);
        Assert.That(b.Got.Select(g => g.Time), Is.EqualTo(new ulong[] { 105, 105, 117, 350 }));
        Assert.That(b.Got.Select(g => g.Frame[^4]), Is.EqualTo(new byte[] { Payload(4, 5)[0], Payload(4, 5)[0], Payload(4, 17)[0], Payload(4, 250)[0] }));
        Assert.That(a.Got.Single().Time, Is.EqualTo(130));
        Assert.That(c.Fabric.Stats.Unroutable, Is.EqualTo(1));
        Assert.That(c.Fabric.Stats.Delivered, Is.EqualTo(5));
    }

    [Test]
    public void ADownNodeNeitherSendsNorReceivesIncludingFramesInFlight()
    {
        using var c = new Verify.Cluster.Cluster(ClusterClock.Default, latencyCycles: 100);
        var a = new Recorder(Ip("192.168.9.1"));
        var b = new Recorder(Ip("192.168.9.2"));
        c.AddHost(a);
        c.AddHost(b);
        c.At(10, now => c.Fabric.Send(a.Vtep, To(a.Vtep, b.Vtep, 1), now));     // in flight when b goes down
        c.At(50, _ => c.Fabric.SetDown(b.Vtep, true));
        c.At(60, now => c.Fabric.Send(b.Vtep, To(b.Vtep, a.Vtep, 1), now));     // from a down node
        c.At(300, _ => c.Fabric.SetDown(b.Vtep, false));
        c.At(310, now => c.Fabric.Send(a.Vtep, To(a.Vtep, b.Vtep, 1), now));
        c.RunUntil(1000);
        Assert.That(b.Got.Select(g => g.Time), Is.EqualTo(new ulong[] { 410 }));
        Assert.That(a.Got, Is.Empty);
        Assert.That(c.Fabric.Stats.DroppedDown, Is.EqualTo(2));
    }

    [Test]
    public void TheChunkMayNotExceedTheLatencyNorAVmDelay()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Verify.Cluster.Cluster(ClusterClock.Default, 100, 101));
        Assert.That(ClusterClock.Default.Microseconds(250), Is.EqualTo(1.0));
        Assert.That(ClusterClock.Default.PerSecond(1, 250), Is.EqualTo(1e6));
    }

    /// <summary>
    /// A software stand-in for the BE: decapsulates what clients send to its VTEP and hands it to the server VM
    /// (one chunk later), encapsulates the VM's answers back to the sender, and can lose chosen frames.
    /// </summary>
    private sealed class SoftVswitch : IFabricPort
    {
        private readonly Verify.Cluster.Cluster _c;
        private readonly Dictionary<(uint, ushort), uint> _senders = new();
        public SoftVswitch(Verify.Cluster.Cluster c, uint vtep) { _c = c; Vtep = vtep; }
        public uint Vtep { get; }
        public TcpServerVm Vm = null!;
        /// <summary>Return true to lose the frame (inner TCP segment, direction true = towards the VM).</summary>
        public Func<TcpSegment, bool, bool> Lose = (_, _) => false;
        public int Lost;

        public void FromFabric(byte[] frame, ulong time)
        {
            Assert.That(Wire.TryTunnel(frame, out var t), Is.True);
            Assert.That(Wire.TryTcp(frame, t.InnerOffset, out var s), Is.True);
            _senders[(s.SrcIp, s.SrcPort)] = t.OuterSrc;
            if (Lose(s, true)) { Lost++; return; }
            byte[] inner = frame[t.InnerOffset..];
            _c.At(time + 10, now => Vm.FromNic(inner, 0, now));
        }

        public void FromVm(byte[] inner, ulong time)
        {
            Assert.That(Wire.TryTcp(inner, 0, out var s), Is.True);
            if (Lose(s, false)) { Lost++; return; }
            uint to = _senders[(s.DstIp, s.DstPort)];
            _c.Fabric.Send(Vtep, Vxlan(1, 2, Vtep, to, 100, inner), time);
        }
    }

    private static (Verify.Cluster.Cluster C, TcpClientHost Client, TcpServerVm Vm, SoftVswitch Sw, ClientStats Stats) Pair()
    {
        var c = new Verify.Cluster.Cluster(ClusterClock.Default, latencyCycles: 50);
        var sw = new SoftVswitch(c, Ip("192.168.0.1"));
        var vm = new TcpServerVm(c, null, 0, 100, Ip("10.1.0.10"), Mac("02:64:00:00:00:0a"), Mac("02:00:00:00:00:fe"), 80, 50);
        vm.Transmit = sw.FromVm;
        sw.Vm = vm;
        var stats = new ClientStats();
        var svc = new ServiceAddress(100, vm.Ip, vm.Mac, 80, sw.Vtep);
        var client = new TcpClientHost(c, Ip("192.168.1.1"), 0x020000000001, svc,
            [new ClientVm(100, Ip("10.1.1.1"), 0x026401000001), new ClientVm(100, Ip("10.1.1.2"), 0x026401000002)], stats, rtoCycles: 2000);
        c.AddHost(sw);
        c.AddHost(client);
        c.Start();
        return (c, client, vm, sw, stats);
    }

    [Test]
    public void ShortConnectionsRunTheirWholeLifeCycle()
    {
        var (c, client, vm, sw, stats) = Pair();
        using var _ = c;
        var conns = Enumerable.Range(0, 10).Select(i => client.Open(i, client.Vms[i % 2], (ushort)(2000 + i), false, (ulong)i * 3)).ToList();
        c.RunUntil(20_000);
        Assert.That(conns.Select(x => x.State), Is.All.EqualTo(ClientState.Done));
        Assert.That(stats.Completed, Is.EqualTo(10));
        Assert.That(stats.SynRetransmits + stats.EstablishedRetransmits, Is.Zero);
        Assert.That(vm.SynsReceived, Is.EqualTo(10));
        Assert.That(vm.DataSegments, Is.EqualTo(10));
        Assert.That(vm.Closed, Is.EqualTo(10), "the VM saw every last ACK");
        Assert.That(vm.OpenConnections, Is.Zero);
        // 4 round trips of 2 fabric hops + 2 vSwitch steps + the VM's delay, then the last ACK
        var first = conns[0];
        Assert.That(first.EstablishedAt - first.OpenedAt, Is.EqualTo(50 + 10 + 50 + 50));
        Assert.That(first.DoneAt - first.OpenedAt, Is.EqualTo(3 * 160));
    }

    [TestCase("SYN", true)]
    [TestCase("SYN-ACK", false)]
    [TestCase("data", true)]
    [TestCase("data ACK", false)]
    [TestCase("FIN", true)]
    [TestCase("FIN-ACK", false)]
    public void LostSegmentsAreRetransmittedAndTheConnectionStillCompletes(string what, bool towardsVm)
    {
        var (c, client, vm, sw, stats) = Pair();
        using var _ = c;
        bool lost = false;
        sw.Lose = (s, toVm) =>
        {
            if (lost || toVm != towardsVm) return false;
            bool match = what switch
            {
                "SYN" => s.Flags == TcpFlags.Syn,
                "SYN-ACK" => s.Has(TcpFlags.Syn | TcpFlags.Ack),
                "data" => s.PayloadLength > 0,
                "data ACK" => s.Flags == TcpFlags.Ack && !towardsVm,
                "FIN" => s.Has(TcpFlags.Fin) && toVm,
                "FIN-ACK" => s.Has(TcpFlags.Fin | TcpFlags.Ack) && !toVm,
                _ => false,
            };
            return lost = match;
        };
        var conn = client.Open(0, client.Vms[0], 4000, false, 0);
        c.RunUntil(20_000);
        Assert.That(sw.Lost, Is.EqualTo(1));
        Assert.That(conn.State, Is.EqualTo(ClientState.Done));
        Assert.That(vm.OpenConnections, Is.Zero);
        bool handshake = what is "SYN" or "SYN-ACK";
        Assert.That(conn.SynRetransmits, Is.EqualTo(handshake ? 1 : 0));
        Assert.That(conn.EstablishedRetransmits, Is.EqualTo(handshake ? 0 : 1));
        Assert.That(conn.DoneAt - conn.OpenedAt, Is.EqualTo(3 * 160 + 2000), "exactly one RTO later than without loss");
    }

    [Test]
    public void LongConnectionsStayOpenAndAcknowledgeEveryDataSegment()
    {
        var (c, client, vm, _, stats) = Pair();
        using var __ = c;
        var acked = new List<ulong>();
        stats.OnDataAcked = (_, sent, at) => acked.Add(at - sent);
        var conn = client.Open(0, client.Vms[1], 5000, true, 0);
        for (int i = 0; i < 5; i++) c.At(1000 + (ulong)i * 1000, t => client.SendData(conn, t));
        c.RunUntil(10_000);
        Assert.That(conn.State, Is.EqualTo(ClientState.Open));
        Assert.That(conn.DataSent, Is.EqualTo(5));
        Assert.That(conn.DataAcked, Is.EqualTo(5));
        Assert.That(acked, Is.All.EqualTo(160));
        Assert.That(vm.OpenConnections, Is.EqualTo(1));
        Assert.That(Wire.PrimaryFe(conn.Hash, 4), Is.InRange(0, 3));
    }

    [Test]
    public void SessionHashIsTheCardsCrc32cOfTheNormalisedKey()
    {
        // both directions give the same hash; the value is CRC-32C over VNI, proto, lo ip, hi ip, lo port, hi port
        uint h1 = Wire.SessionHash(100, 6, Ip("10.1.1.1"), 2000, Ip("10.1.0.10"), 80);
        uint h2 = Wire.SessionHash(100, 6, Ip("10.1.0.10"), 80, Ip("10.1.1.1"), 2000);
        Assert.That(h1, Is.EqualTo(h2));
        byte[] key = [0, 0, 100, 6, 10, 1, 0, 10, 10, 1, 1, 1, 0, 80, 0x07, 0xD0];
        Assert.That(h1, Is.EqualTo(Nezha.Common.Hashing.Crc32C.Compute(key)));
        Assert.That(Wire.PrimaryFe(0x0000, 4), Is.EqualTo(0));
        Assert.That(Wire.PrimaryFe(0xFFFF, 4), Is.EqualTo(3));
        Assert.That(Wire.PrimaryFe(0x8000, 3), Is.EqualTo(1));
    }
}
