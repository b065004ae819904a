using System.Buffers.Binary;
using Nezha.Driver;
using Nezha.Common.Registers;
using Nezha.Verify.Sim;
using Nezha.Verify.Testbench;
using NUnit.Framework;
using PacketDotNet;
using static Nezha.Verify.Testbench.FrameBuilder;

namespace Nezha.Tests.EndToEnd;

/// <summary>
/// The datapath against the RFCs it must follow (datapath-spec 4.1-4.7): Geneve control packets (RFC 8926),
/// one MTU per side with no silent loss band, multicast and broadcast never routed (RFC 1812, RFC 5771), ECN
/// through the tunnels (RFC 6040), TTL left alone (a decision), the 60-byte minimum frame, trailers cut,
/// untagged vNICs, the outer UDP length, the outer destination MAC and the reverse-path check of the outer
/// source. Every frame and counter is compared with the golden model by the bench as well; the checks here
/// are written against the RFCs, with PacketDotNet as an independent decoder where it helps.
/// </summary>
[TestFixture(SimConfig.W8)]
[TestFixture(SimConfig.W64)]
[TestFixture(SimConfig.W512)]
public class StandardsTests : BenchFixture
{
    public StandardsTests(SimConfig config) : base(config) { }

    private const int Ecn = 0x03;

    private static void FixIpChecksum(byte[] f, int l3)
    {
        f[l3 + 10] = f[l3 + 11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(l3 + 10), Checksum(f.AsSpan(l3, (f[l3] & 0x0F) * 4)));
    }

    /// <summary>A VXLAN frame from remote <paramref name="r"/> to <paramref name="vm"/> whose outer and inner TOS are set.</summary>
    private byte[] RemoteTcpWithTos(RemoteVm r, LocalVm vm, byte outerTos, byte innerTos, ushort sport = 50000, int payload = 10)
    {
        var inner = Ethernet(vm.Mac, r.Mac, 0x0800, Ipv4(r.Ip, vm.Ip, IpProto.Tcp, Tcp(sport, 22, TcpFlags.Syn, Payload(payload))));
        inner[15] = innerTos;
        FixIpChecksum(inner, 14);
        var f = Vxlan(Topology.NicMac, Topology.NextHopMac, r.Vtep, Topology.Vtep, r.Vni, inner);
        f[15] = outerTos;
        FixIpChecksum(f, 14);
        return f;
    }

    // ------------------------------------------------------------------ 1. Geneve O bit (RFC 8926 3.4)

    [Test]
    public void GeneveControlPacketsGoToTheHostNeverToTheVm()
    {
        var f = T.FromRemoteGeneveTcp(T.Remotes[0], T.Vms[0], 50000, 22, TcpFlags.Syn, optionBytes: 8);
        f[14 + 20 + 8 + 1] |= 0x80;            // O: a control message for the tunnel endpoint
        var v = FromNet(f);
        Assert.That(v.Exception, Is.EqualTo(ExceptionReason.Underlay));
        Assert.That(v.Output!.Value.Data, Is.EqualTo(f), "to the host unchanged");
        Assert.That(v.Output!.Value.TUser & ((1u << B.Sim.VnicWidth) - 1), Is.Zero, "not attributed to any vNIC");
        Assert.That(Stat(StatIndex.SessMisses) + Stat(StatIndex.SessHits), Is.Zero, "never reached the session stage");
        CheckAll();
    }

    // ------------------------------------------------------------------ 2. one MTU per side, no silent band

    [Test]
    public void AVmFrameOverVmMtuIsOversizeAndOneThatFitsAlsoFitsTheTunnel()
    {
        int mtu = Math.Min(1600, Info.MtuMax);
        B.Driver.Configure(new NicGlobalConfig(Topology.NicMac, Topology.Vtep, Topology.NextHopMac, Topology.GatewayMac, mtu, 1000, 100, 1000));
        int vmMtu = mtu - NicGlobalConfig.EncapOverhead;
        var vm = T.Vms[0];
        var remote = T.Remotes[0];
        var fits = T.FromVmTcp(vm, remote.Ip, 40000, 80, TcpFlags.Syn, payload: vmMtu - 54);
        Assert.That(fits.Length, Is.EqualTo(vmMtu));
        var v = FromVm(vm, fits);
        Assert.That(v.Output?.Port, Is.EqualTo(NicBench.Net));
        Assert.That(v.Output!.Value.Data.Length, Is.EqualTo(mtu), "the largest VM frame makes the largest underlay frame");

        var tooBig = T.FromVmTcp(vm, remote.Ip, 40001, 80, TcpFlags.Syn, payload: vmMtu - 53);
        Assert.That(FromVm(vm, tooBig).Drop, Is.EqualTo(DropReason.Oversize));
        Assert.That(Stat(StatIndex.Oversize), Is.EqualTo(1));
        CheckAll();
    }

    [Test]
    public void AFrameThatWouldNotFitItsOutputMtuIsDroppedAndCountedNeverSent()
    {
        // a raw register write (bypassing the driver's check) makes VM_MTU as large as MTU
        int mtu = Math.Min(1600, Info.MtuMax);
        B.Driver.Configure(new NicGlobalConfig(Topology.NicMac, Topology.Vtep, Topology.NextHopMac, Topology.GatewayMac, mtu, 1000, 100, 1000));
        B.Bus.Write32(NezhaRegs.CONFIG_VM_MTU, (uint)mtu);
        var vm = T.Vms[0];
        var big = T.FromVmTcp(vm, T.Remotes[0].Ip, 40000, 80, TcpFlags.Syn, payload: mtu - 54);
        var v = FromVm(vm, big);
        Assert.That(v.Drop, Is.EqualTo(DropReason.Oversize), "encapsulated it would be MTU + 50");
        Assert.That(Stat(StatIndex.NetTxPkts), Is.Zero);
        // a VM-to-VM frame of the same size still fits the VM side
        Assert.That(FromVm(vm, T.FromVmTcp(vm, T.Vms[2].Ip, 40001, 80, TcpFlags.Syn, payload: mtu - 54)).Output?.Port,
                    Is.EqualTo(NicBench.Host));

        // towards a VM: a tunnel frame whose inner frame is longer than VM_MTU
        B.Bus.Write32(NezhaRegs.CONFIG_VM_MTU, 200);
        var fromRemote = T.FromRemoteTcp(T.Remotes[0], vm, 50000, 22, TcpFlags.Syn, payload: 200);
        Assert.That(FromNet(fromRemote).Drop, Is.EqualTo(DropReason.Oversize));
        Assert.That(Stat(StatIndex.Oversize), Is.EqualTo(2));
        CheckAll();
    }

    [Test]
    public void TheDriverRefusesAVmMtuThatWouldNotFitTheTunnel()
    {
        var bad = new NicGlobalConfig(Topology.NicMac, Topology.Vtep, Topology.NextHopMac, Topology.GatewayMac, 1500, 1000, 100, 1000, VmMtu: 1451);
        long before = B.Bus.Accesses;
        Assert.Throws<ArgumentOutOfRangeException>(() => B.Driver.Configure(bad));
        Assert.That(B.Bus.Accesses, Is.EqualTo(before), "nothing written");
        B.Driver.Configure(bad with { VmMtu = 1450 });
        Assert.That(B.Driver.ReadGlobalConfig().VmMtu, Is.EqualTo(1450));
    }

    // ------------------------------------------------------------------ 3. multicast and broadcast

    [TestCase("224.0.0.251")]
    [TestCase("239.255.255.250")]
    [TestCase("255.255.255.255")]
    [TestCase("240.0.0.1")]
    public void MulticastAndBroadcastFromAVmAreNeverTunnelled(string dst)
    {
        var vm = T.Vms[0];
        var v = FromVm(vm, T.FromVmUdp(vm, Ip(dst), 5353, 5353, payload: 20));
        Assert.That(v.Drop, Is.EqualTo(DropReason.NotUnicast), "the 0.0.0.0/0 route must not carry it to the internet gateway");
        Assert.That(Stat(StatIndex.NotUnicast), Is.EqualTo(1));
        Assert.That(Stat(StatIndex.NetTxPkts), Is.Zero);
        CheckAll();
    }

    [Test]
    public void MulticastInsideATunnelIsNotDelivered()
    {
        var r = T.Remotes[0];
        var vm = T.Vms[0];
        var f = Vxlan(Topology.NicMac, Topology.NextHopMac, r.Vtep, Topology.Vtep, 100,
            Ethernet(vm.Mac, r.Mac, 0x0800, Ipv4(r.Ip, Ip("224.0.0.1"), IpProto.Udp, Udp(1, 2, Payload(8)))));
        Assert.That(FromNet(f).Drop, Is.EqualTo(DropReason.NotUnicast));
        CheckAll();
    }

    // ------------------------------------------------------------------ 4. ECN (RFC 6040)

    [Test]
    public void EncapsulationCopiesEcnAndNotDscp()
    {
        var vm = T.Vms[0];
        var f = T.FromVmTcp(vm, T.Remotes[0].Ip, 40000, 80, TcpFlags.Syn, payload: 10);
        f[15] = 0xB8 | 0x02;                  // DSCP EF (46), ECT(0)
        FixIpChecksum(f, 14);
        var o = FromVm(vm, f).Output!.Value.Data;
        var outer = (IPv4Packet)((EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, o)).PayloadPacket;
        Assert.That(outer.ValidIPChecksum, Is.True);
        Assert.That(o[15], Is.EqualTo(0x02), "outer TOS: DSCP 0 (pipe model), ECN copied");
        Assert.That(o[64 + 1], Is.EqualTo(0xBA), "the inner header travels unchanged");
        CheckAll();
    }

    [TestCase(3, 2, 3, TestName = "outer CE over inner ECT(0) delivers CE")]
    [TestCase(3, 1, 3, TestName = "outer CE over inner ECT(1) delivers CE")]
    [TestCase(1, 2, 1, TestName = "outer ECT(1) over inner ECT(0) delivers ECT(1)")]
    [TestCase(2, 1, 1, TestName = "outer ECT(0) over inner ECT(1) keeps ECT(1)")]
    [TestCase(0, 3, 3, TestName = "outer Not-ECT over inner CE keeps CE")]
    [TestCase(1, 0, 0, TestName = "outer ECT(1) over inner Not-ECT keeps Not-ECT")]
    public void DecapsulationCombinesOuterAndInnerEcnPerRfc6040(int outerEcn, int innerEcn, int delivered)
    {
        var vm = T.Vms[0];
        byte innerTos = (byte)(0x48 | innerEcn);      // DSCP 18 (AF21): never changed on the way in
        var v = FromNet(RemoteTcpWithTos(T.Remotes[0], vm, (byte)(0x20 | outerEcn), innerTos));
        var o = v.Output!.Value.Data;
        var ip = (IPv4Packet)((EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, o)).PayloadPacket;
        Assert.That(ip.ValidIPChecksum, Is.True, "the header checksum follows the ECN change (RFC 1624)");
        Assert.That(o[15] & Ecn, Is.EqualTo(delivered));
        Assert.That(o[15] & ~Ecn, Is.EqualTo(0x48), "DSCP untouched");
        CheckAll();
    }

    [Test]
    public void OuterCeOverANotEctInnerPacketIsDroppedNotLost()
    {
        var v = FromNet(RemoteTcpWithTos(T.Remotes[0], T.Vms[0], 0x03, 0x00));
        Assert.That(v.Drop, Is.EqualTo(DropReason.EcnDrop));
        Assert.That(Stat(StatIndex.EcnDrop), Is.EqualTo(1));
        CheckAll();
    }

    // ------------------------------------------------------------------ 5. TTL (decided: left alone)

    [TestCase(1)]
    [TestCase(0)]
    public void TtlIsNeverDecrementedNorEnforced(int ttl)
    {
        var vm = T.Vms[0];
        var r = T.Remotes[0];
        var toRemote = Ethernet(Topology.GatewayMac, vm.Mac, 0x0800, Ipv4(vm.Ip, r.Ip, IpProto.Tcp, Tcp(40000, 80, TcpFlags.Syn, Payload(4)), ttl: (byte)ttl));
        var o = FromVm(vm, toRemote).Output!.Value.Data;
        Assert.That(o[64 + 8], Is.EqualTo(ttl), "inner TTL as sent");
        var fromRemote = Vxlan(Topology.NicMac, Topology.NextHopMac, r.Vtep, Topology.Vtep, 100,
            Ethernet(vm.Mac, r.Mac, 0x0800, Ipv4(r.Ip, vm.Ip, IpProto.Tcp, Tcp(80, 40000, TcpFlags.Syn | TcpFlags.Ack, Payload(4)), ttl: (byte)ttl)));
        var d = FromNet(fromRemote).Output!.Value.Data;
        Assert.That(d[14 + 8], Is.EqualTo(ttl));
        CheckAll();
    }

    // ------------------------------------------------------------------ 6. 60-byte minimum towards the VMs

    [Test]
    public void ShortFramesReachTheVmPaddedToSixtyBytes()
    {
        var vm = T.Vms[0];
        var r = T.Remotes[0];
        // a 42-byte ICMP echo request (no payload) from a remote VM
        var ping = Vxlan(Topology.NicMac, Topology.NextHopMac, r.Vtep, Topology.Vtep, 100,
            Ethernet(vm.Mac, r.Mac, 0x0800, Ipv4(r.Ip, vm.Ip, IpProto.Icmp, IcmpEcho(true, 7, 1, default))));
        var o = FromNet(ping).Output!.Value.Data;
        Assert.That(o.Length, Is.EqualTo(60));
        Assert.That(o[42..], Is.All.Zero, "zero padding after the 28-byte IP packet");
        // a 54-byte TCP ACK from VM to VM
        var ack = T.FromVmTcp(vm, T.Vms[2].Ip, 33000, 80, TcpFlags.Syn);
        Assert.That(ack.Length, Is.EqualTo(54));
        var a = FromVm(vm, ack).Output!.Value.Data;
        Assert.That(a.Length, Is.EqualTo(60));
        Assert.That(B.Driver.ReadVnicCounters(T.Vms[2].Vnic).TxBytes, Is.EqualTo(60), "vNIC TX counts the padded frame");
        CheckAll();
    }

    // ------------------------------------------------------------------ 7. trailers are not forwarded

    [Test]
    public void BytesAfterTheIpPacketAreNeverForwarded()
    {
        var vm = T.Vms[0];
        var r = T.Remotes[0];
        var frame = T.FromVmTcp(vm, r.Ip, 40000, 80, TcpFlags.Syn, payload: 30);
        var withTrailer = frame.Concat(Payload(24, 9)).ToArray();
        var o = FromVm(vm, withTrailer).Output!.Value.Data;
        Assert.That(o.Length, Is.EqualTo(64 + frame.Length - 14), "the VM's padding is not encapsulated");
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(o.AsSpan(16)), Is.EqualTo(o.Length - 14), "outer total length");

        // an Ethernet trailer after the outer IP packet, and one inside the tunnel after the inner IP packet
        var inner = Ethernet(vm.Mac, r.Mac, 0x0800, Ipv4(r.Ip, vm.Ip, IpProto.Tcp, Tcp(80, 40000, TcpFlags.Syn | TcpFlags.Ack, Payload(30))));
        int ipLen = inner.Length - 14;
        var tunnelled = Vxlan(Topology.NicMac, Topology.NextHopMac, r.Vtep, Topology.Vtep, 100, inner.Concat(Payload(6, 1)).ToArray());
        var d = FromNet(tunnelled.Concat(Payload(10, 2)).ToArray()).Output!.Value.Data;
        Assert.That(d.Length, Is.EqualTo(14 + ipLen));
        Assert.That(d[14..], Is.EqualTo(inner[14..]));
        CheckAll();
    }

    // ------------------------------------------------------------------ 8. vNICs are untagged

    [Test]
    public void TaggedFramesFromAVmAreUnsupportedNeverStrippedOrAnswered()
    {
        var vm = T.Vms[0];
        Assert.That(FromVm(vm, T.FromVmTcp(vm, T.Remotes[0].Ip, 1, 80, TcpFlags.Syn, vlan: 5)).Drop, Is.EqualTo(DropReason.Unsupported));
        var arp = Ethernet(0xFFFF_FFFF_FFFF, vm.Mac, 0x0806, Arp(1, vm.Mac, vm.Ip, 0, vm.Gateway), vlan: 5);
        Assert.That(FromVm(vm, arp).Drop, Is.EqualTo(DropReason.Unsupported));
        Assert.That(Stat(StatIndex.ArpReplies), Is.Zero);
        CheckAll();
    }

    // ------------------------------------------------------------------ 9. the underlay's identity checks

    [TestCase(3, DropReason.BadUdpLen)]
    [TestCase(0xFFFF, DropReason.BadUdpLen)]
    [TestCase(8, DropReason.Truncated)]
    public void TheOuterUdpLengthIsChecked(int udpLen, DropReason want)
    {
        var f = T.FromRemoteTcp(T.Remotes[0], T.Vms[0], 50000, 22, TcpFlags.Syn);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(14 + 20 + 4), (ushort)udpLen);
        Assert.That(FromNet(f).Drop, Is.EqualTo(want));
        CheckAll();
    }

    [Test]
    public void ATunnelFrameForAnotherMacIsNotDecapsulated()
    {
        var r = T.Remotes[0];
        var vm = T.Vms[0];
        var f = Vxlan(0x0200_0000_0777, Topology.NextHopMac, r.Vtep, Topology.Vtep, 100,
            Ethernet(vm.Mac, r.Mac, 0x0800, Ipv4(r.Ip, vm.Ip, IpProto.Tcp, Tcp(50000, 22, TcpFlags.Syn, default))));
        Assert.That(FromNet(f).Drop, Is.EqualTo(DropReason.NotMyMac));
        Assert.That(Stat(StatIndex.NotMyMac), Is.EqualTo(1));
        CheckAll();
    }

    [Test]
    public void ANewFlowFromAVtepThatDoesNotHostItsSourceIsRefused()
    {
        var vm = T.Vms[0];
        var r = T.Remotes[0];                        // mapped at 192.168.100.2
        var impostor = r with { Vtep = T.Remotes[1].Vtep };
        var v = FromNet(T.FromRemoteTcp(impostor, vm, 50000, 22, TcpFlags.Syn));
        Assert.That(v.Drop, Is.EqualTo(DropReason.VtepSpoof));
        Assert.That(Stat(StatIndex.SessInserts), Is.Zero, "nothing learned");
        // the internet comes in through the gateway's VTEP only
        var web = new RemoteVm(100, Mac("02:00:00:00:0e:01"), Ip("93.184.216.34"), Topology.InternetVtep);
        Assert.That(FromNet(T.FromRemoteTcp(web, vm, 443, 22, TcpFlags.Syn)).Output?.Port, Is.EqualTo(NicBench.Host));
        Assert.That(FromNet(T.FromRemoteTcp(web with { Vtep = r.Vtep }, vm, 444, 22, TcpFlags.Syn)).Drop, Is.EqualTo(DropReason.VtepSpoof));
        // a source the VPC routes to DROP, or a local VM's address, never comes from the network
        var dropped = new RemoteVm(100, Mac("02:00:00:00:0e:02"), Ip("10.0.0.200"), r.Vtep);
        Assert.That(FromNet(T.FromRemoteTcp(dropped, vm, 1, 22, TcpFlags.Syn)).Drop, Is.EqualTo(DropReason.VtepSpoof));
        var local = new RemoteVm(100, T.Vms[1].Mac, T.Vms[1].Ip, r.Vtep);
        Assert.That(FromNet(T.FromRemoteTcp(local, vm, 2, 22, TcpFlags.Syn)).Drop, Is.EqualTo(DropReason.VtepSpoof));
        Assert.That(Stat(StatIndex.VtepSpoof), Is.EqualTo(4));
        CheckAll();
    }

    [Test]
    public void AnotherVtepCannotResetOrRefreshAnEstablishedFlow()
    {
        var vm = T.Vms[0];
        var r = T.Remotes[0];
        Assert.That(FromNet(T.FromRemoteTcp(r, vm, 50000, 22, TcpFlags.Syn)).SlowPath, Is.True);
        var impostor = r with { Vtep = T.Remotes[1].Vtep };
        var rst = FromNet(T.FromRemoteTcp(impostor, vm, 50000, 22, TcpFlags.Rst));
        Assert.That(rst.Drop, Is.EqualTo(DropReason.VtepSpoof));
        Assert.That(rst.SessionHit, Is.True, "it matched the session ...");
        Assert.That(Stat(StatIndex.SessClosed), Is.Zero, "... and did not close it");
        int slot = B.Model.FindSession(100, IpProto.Tcp, r.Ip, 50000, vm.Ip, 22, (ushort)B.Driver.ReadTick());
        Assert.That(slot, Is.GreaterThanOrEqualTo(0));
        Assert.That(B.Driver.ReadSession(slot).Pkts, Is.EqualTo(1), "not refreshed or counted either");
        // the real sender still gets through
        Assert.That(FromNet(T.FromRemoteTcp(r, vm, 50000, 22, TcpFlags.Ack)).Output?.Port, Is.EqualTo(NicBench.Host));
        CheckAll();
    }

    // ------------------------------------------------------------------ 10. Geneve options in the window

    [TestCase(24, false)]
    [TestCase(28, true)]
    public void GeneveOptionsUpToTheHeaderWindowAreDecapsulatedLongerOnesCounted(int optionBytes, bool tooLong)
    {
        var v = FromNet(T.FromRemoteGeneveTcp(T.Remotes[0], T.Vms[0], 50000, 22, TcpFlags.Syn, optionBytes));
        if (tooLong) Assert.That(v.Drop, Is.EqualTo(DropReason.HdrTooLong));
        else Assert.That(v.Output?.Port, Is.EqualTo(NicBench.Host));
        CheckAll();
    }
}
