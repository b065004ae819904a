using System.Buffers.Binary;
using Nezha.Driver;
using Nezha.Common.Registers;
using Nezha.Verify.Sim;
using Nezha.Verify.Testbench;
using NUnit.Framework;
using static Nezha.Verify.Testbench.FrameBuilder;

namespace Nezha.Tests.EndToEnd;

/// <summary>
/// Every malformed-input reason, on the port where it can occur, followed by a good frame that must be
/// handled normally (the datapath recovers and no other flow is disturbed).
/// </summary>
[TestFixture(SimConfig.W64)]
[TestFixture(SimConfig.W512)]
public class MalformedInputTests : BenchFixture
{
    public MalformedInputTests(SimConfig config) : base(config) { }

    public sealed record Case(string Name, int Port, Func<Topology, byte[]> Frame, DropReason Expected, bool RxError = false)
    {
        public override string ToString() => Name;
    }

    private static byte[] GoodTcp(Topology t) => t.FromVmTcp(t.Vms[1], t.Remotes[0].Ip, 1234, 80, TcpFlags.Syn, 40);

    private static byte[] Inner(Topology t, byte[] ipPacket) =>
        Vxlan(Topology.NicMac, Topology.NextHopMac, t.Remotes[0].Vtep, Topology.Vtep, 100, Ethernet(t.Vms[1].Mac, t.Remotes[0].Mac, 0x0800, ipPacket));

    private static byte[] Patch(byte[] f, int at, byte value)
    {
        var c = (byte[])f.Clone();
        c[at] = value;
        return c;
    }

    private static byte[] TcpIp(Topology t, int l4Len = 20) =>
        Ipv4(t.Remotes[0].Ip, t.Vms[1].Ip, IpProto.Tcp, Tcp(5, 80, TcpFlags.Syn, default)[..l4Len]);

    public static IEnumerable<Case> Cases()
    {
        yield return new("rx error from VM", 1, GoodTcp, DropReason.RxError, RxError: true);
        yield return new("rx error on underlay", 0, t => t.FromRemoteTcp(t.Remotes[0], t.Vms[1], 1, 80, TcpFlags.Syn), DropReason.RxError, RxError: true);
        yield return new("oversize jumbo", 1, t => { var f = new byte[9300]; GoodTcp(t).CopyTo(f, 0); return f; }, DropReason.Oversize);
        yield return new("runt 1 byte", 1, _ => new byte[] { 0x42 }, DropReason.Runt);
        yield return new("runt 13 bytes on underlay", 0, _ => new byte[13], DropReason.Runt);
        yield return new("IPv4 header cut", 1, t => GoodTcp(t)[..24], DropReason.Truncated);
        yield return new("TCP header cut inside IP", 1, t => Ethernet(Topology.GatewayMac, t.Vms[1].Mac, 0x0800,
            Ipv4(t.Vms[1].Ip, t.Remotes[0].Ip, IpProto.Tcp, Tcp(1, 80, TcpFlags.Syn, default)[..12])), DropReason.Truncated);
        yield return new("VLAN tag from a VM (vNICs are untagged)", 1, t => Patch(Patch(Pad(GoodTcp(t)[..12], 16), 12, 0x81), 13, 0x00), DropReason.Unsupported);
        yield return new("underlay VLAN tag cut", 0, t => Patch(Patch(Pad(GoodTcp(t)[..12], 16), 12, 0x81), 13, 0x00), DropReason.Truncated);
        yield return new("inner Ethernet header cut", 0, t => Vxlan(Topology.NicMac, Topology.NextHopMac, t.Remotes[0].Vtep, Topology.Vtep, 100,
            Ethernet(t.Vms[1].Mac, t.Remotes[0].Mac, 0x0800, default)[..10]), DropReason.Truncated);
        yield return new("inner TCP cut", 0, t => Inner(t, TcpIp(t, 10)), DropReason.Truncated);
        yield return new("outer UDP header cut", 0, t => FixOuterIpLength(t.FromRemoteTcp(t.Remotes[0], t.Vms[1], 1, 80, TcpFlags.Syn)[..40]), DropReason.Truncated);
        yield return new("Geneve option area cut", 0, t => Geneve(Topology.NicMac, Topology.NextHopMac, t.Remotes[0].Vtep, Topology.Vtep, 100,
            Ethernet(t.Vms[1].Mac, t.Remotes[0].Mac, 0x0800, TcpIp(t)), Payload(16))[..62] is var c ? FixOuterLengths(c) : c, DropReason.Truncated);
        yield return new("VXLAN header cut", 0, t => t.FromRemoteTcp(t.Remotes[0], t.Vms[1], 1, 80, TcpFlags.Syn)[..46] is var c ? FixOuterLengths(c) : c, DropReason.Truncated);
        yield return new("Geneve options push headers past the window", 0, t => Geneve(Topology.NicMac, Topology.NextHopMac, t.Remotes[0].Vtep, Topology.Vtep, 100,
            Ethernet(t.Vms[1].Mac, t.Remotes[0].Mac, 0x0800, TcpIp(t)), Payload(64)), DropReason.HdrTooLong);
        yield return new("IPv6 from VM", 1, t => Ethernet(Topology.GatewayMac, t.Vms[1].Mac, 0x86DD, Payload(60)), DropReason.Unsupported);
        yield return new("double VLAN", 1, DoubleVlan, DropReason.Unsupported);
        yield return new("VXLAN without I flag", 0, t => Vxlan(Topology.NicMac, Topology.NextHopMac, t.Remotes[0].Vtep, Topology.Vtep, 100,
            Ethernet(t.Vms[1].Mac, t.Remotes[0].Mac, 0x0800, TcpIp(t)), flags: 0x00), DropReason.Unsupported);
        yield return new("Geneve critical option", 0, t => Geneve(Topology.NicMac, Topology.NextHopMac, t.Remotes[0].Vtep, Topology.Vtep, 100,
            Ethernet(t.Vms[1].Mac, t.Remotes[0].Mac, 0x0800, TcpIp(t)), Payload(8), critical: true), DropReason.Unsupported);
        yield return new("Geneve version 1", 0, t => Geneve(Topology.NicMac, Topology.NextHopMac, t.Remotes[0].Vtep, Topology.Vtep, 100,
            Ethernet(t.Vms[1].Mac, t.Remotes[0].Mac, 0x0800, TcpIp(t)), version: 1), DropReason.Unsupported);
        yield return new("Geneve carrying IPv4 directly", 0, t => Geneve(Topology.NicMac, Topology.NextHopMac, t.Remotes[0].Vtep, Topology.Vtep, 100,
            Ethernet(t.Vms[1].Mac, t.Remotes[0].Mac, 0x0800, TcpIp(t)), protocol: 0x0800), DropReason.Unsupported);
        yield return new("ARP inside VXLAN", 0, t => Vxlan(Topology.NicMac, Topology.NextHopMac, t.Remotes[0].Vtep, Topology.Vtep, 100,
            Ethernet(0xFFFF_FFFF_FFFF, t.Remotes[0].Mac, 0x0806, Arp(1, t.Remotes[0].Mac, t.Remotes[0].Ip, 0, t.Vms[1].Ip))), DropReason.Unsupported);
        yield return new("IP version 6 in an IPv4 frame", 1, t => FixCsum(Patch(GoodTcp(t), 14, 0x65)), DropReason.BadIpHdr);
        yield return new("IHL 4", 1, t => Patch(GoodTcp(t), 14, 0x44), DropReason.BadIpHdr);
        yield return new("total length beyond the frame", 1, t => FixCsum(Patch(GoodTcp(t), 16, 0x7F)), DropReason.BadIpLen);
        yield return new("total length shorter than the header", 1, t => FixCsum(Patch(Patch(GoodTcp(t), 16, 0), 17, 12)), DropReason.BadIpLen);
        yield return new("bad IPv4 checksum", 1, t => { var f = GoodTcp(t); f[24] ^= 0x5A; return f; }, DropReason.BadIpCsum);
        yield return new("bad inner IPv4 checksum", 0, t => { var f = t.FromRemoteTcp(t.Remotes[0], t.Vms[1], 1, 80, TcpFlags.Syn); f[50 + 14 + 10] ^= 0x5A; return f; }, DropReason.BadIpCsum);
        yield return new("bad outer IPv4 checksum", 0, t => { var f = t.FromRemoteTcp(t.Remotes[0], t.Vms[1], 1, 80, TcpFlags.Syn); f[24] ^= 0x5A; return f; }, DropReason.BadIpCsum);
        yield return new("garbage", 1, _ => { var g = new byte[64]; new Random(3).NextBytes(g); g[12] = 0x08; g[13] = 0x00; g[14] = 0x30; return g; }, DropReason.BadIpHdr);
    }

    private static byte[] Pad(byte[] a, int n) { var c = new byte[n]; a.CopyTo(c, 0); return c; }

    private static byte[] DoubleVlan(Topology t)
    {
        var f = GoodTcp(t);
        var c = new byte[f.Length + 8];
        f.AsSpan(0, 12).CopyTo(c);
        BinaryPrimitives.WriteUInt16BigEndian(c.AsSpan(12), 0x8100);
        BinaryPrimitives.WriteUInt16BigEndian(c.AsSpan(14), 5);
        BinaryPrimitives.WriteUInt16BigEndian(c.AsSpan(16), 0x8100);
        BinaryPrimitives.WriteUInt16BigEndian(c.AsSpan(18), 6);
        f.AsSpan(12).CopyTo(c.AsSpan(20));
        return c;
    }

    private static byte[] FixCsum(byte[] f)
    {
        int ihl = (f[14] & 0xF) * 4;
        if (ihl < 20) ihl = 20;
        f[24] = 0; f[25] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(24), Checksum(f.AsSpan(14, ihl)));
        return f;
    }

    /// <summary>After cutting a frame inside the outer UDP header, make the outer IP length describe the cut frame.</summary>
    private static byte[] FixOuterIpLength(byte[] f)
    {
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(16), (ushort)(f.Length - 14));
        return FixCsum(f);
    }

    /// <summary>After cutting a tunnel frame, make the outer IP and UDP lengths describe the cut frame.</summary>
    private static byte[] FixOuterLengths(byte[] f)
    {
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(16), (ushort)(f.Length - 14));
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(38), (ushort)(f.Length - 34));
        return FixCsum(f);
    }

    [TestCaseSource(nameof(Cases))]
    public void IsDroppedUnderItsReasonAndTheNextGoodFramePasses(Case c)
    {
        var frame = c.Frame(T);
        uint tuser = c.Port == 1 ? B.TUser(1, c.RxError) : B.TUser(0, c.RxError);
        var v = One(c.Port, frame, tuser);
        Assert.That(v.Drop, Is.EqualTo(c.Expected), c.Name);
        Assert.That(Stat((StatIndex)(int)c.Expected), Is.EqualTo(1));

        var good = One(1, GoodTcp(T), B.TUser(1));
        Assert.That(good.Output?.Port, Is.EqualTo(NicBench.Net), "the next good frame is forwarded");
        var goodNet = One(0, T.FromRemoteTcp(T.Remotes[0], T.Vms[0], 7, 22, TcpFlags.Syn), 0);
        Assert.That(goodNet.Output?.Port, Is.EqualTo(NicBench.Host), "the next good underlay frame is delivered");
        CheckAll();
    }

    [Test]
    public void MtuRegistersLimitFrameSize()
    {
        // MTU 200 for the underlay, VM_MTU 150 (MTU - 50) for the VMs
        B.Driver.Configure(new NicGlobalConfig(Topology.NicMac, Topology.Vtep, Topology.NextHopMac, Topology.GatewayMac, 200, 1000, 100, 1000));
        Assert.That(FromVm(T.Vms[1], T.FromVmTcp(T.Vms[1], T.Remotes[0].Ip, 1, 80, TcpFlags.Syn, payload: 100)).Drop, Is.EqualTo(DropReason.Oversize));
        Assert.That(FromVm(T.Vms[1], T.FromVmTcp(T.Vms[1], T.Remotes[0].Ip, 1, 80, TcpFlags.Syn, payload: 60)).Output, Is.Not.Null);
        Assert.That(FromNet(T.FromRemoteTcp(T.Remotes[0], T.Vms[1], 80, 1, TcpFlags.Ack, payload: 200)).Drop, Is.EqualTo(DropReason.Oversize));
        CheckAll();
    }

    [Test]
    public void ABurstOfGarbageNeverHangsTheDatapath()
    {
        var rnd = new Random(11);
        for (int i = 0; i < 2000; i++)
        {
            var g = new byte[rnd.Next(1, 300)];
            rnd.NextBytes(g);
            if (rnd.Next(2) == 0 && g.Length > 14) { g[12] = 0x08; g[13] = 0x00; g[14] = 0x45; }
            B.Send(rnd.Next(2), g, (uint)rnd.Next(1 << (B.Sim.VnicWidth + 1)));
        }
        B.Drain();
        var good = One(1, GoodTcp(T), B.TUser(1));
        Assert.That(good.Output, Is.Not.Null);
        CheckAll();
    }
}
