using System.Buffers.Binary;
using Nezha.Driver;
using Nezha.Common.Registers;
using Nezha.Verify.Sim;
using Nezha.Verify.Testbench;
using NUnit.Framework;
using PacketDotNet;
using static Nezha.Verify.Testbench.FrameBuilder;

namespace Nezha.Tests.EndToEnd;

[TestFixture(SimConfig.W64)]
[TestFixture(SimConfig.W512)]
public class DirectedTests : BenchFixture
{
    public DirectedTests(SimConfig config) : base(config) { }

    [Test]
    public void VmToRemoteIsVxlanEncapsulated()
    {
        var vm = T.Vms[0];
        var remote = T.Remotes[0];
        var v = FromVm(vm, T.FromVmTcp(vm, remote.Ip, 40000, 80, TcpFlags.Syn, payload: 100));
        Assert.That(v.Output, Is.Not.Null);
        var o = v.Output!.Value;
        Assert.That(o.Port, Is.EqualTo(NicBench.Net));

        // decode with an independent parser
        var eth = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, o.Data);
        var ip = (IPv4Packet)eth.PayloadPacket;
        Assert.That(ip.ValidIPChecksum, Is.True, "outer IPv4 checksum");
        Assert.That(ip.DestinationAddress.ToString(), Is.EqualTo("192.168.100.2"));
        Assert.That(ip.SourceAddress.ToString(), Is.EqualTo("192.168.100.1"));
        var udp = (UdpPacket)ip.PayloadPacket;
        Assert.That(udp.DestinationPort, Is.EqualTo(4789));
        Assert.That(udp.SourcePort, Is.GreaterThanOrEqualTo(0xC000));
        var vx = o.Data[(14 + 20 + 8)..]; // VXLAN header and inner frame (PacketDotNet decodes VXLAN itself)
        Assert.That(vx[0], Is.EqualTo(0x08));
        Assert.That(vx[4] << 16 | vx[5] << 8 | vx[6], Is.EqualTo(100));
        var inner = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, vx[8..]);
        Assert.That(ReadMac(inner.DestinationHardwareAddress.GetAddressBytes()), Is.EqualTo(remote.Mac));
        Assert.That(ReadMac(inner.SourceHardwareAddress.GetAddressBytes()), Is.EqualTo(vm.Mac));
        var innerTcp = inner.Extract<TcpPacket>();
        Assert.That(innerTcp.DestinationPort, Is.EqualTo(80));
        Assert.That(innerTcp.PayloadData.Length, Is.EqualTo(100));
        Assert.That(Stat(StatIndex.SessInserts), Is.EqualTo(1));
        CheckAll();
    }

    [Test]
    public void RemoteToVmIsDecapsulatedAndDelivered()
    {
        var vm = T.Vms[0];
        var v = FromNet(T.FromRemoteTcp(T.Remotes[0], vm, 50000, 22, TcpFlags.Syn, payload: 64));
        Assert.That(v.Output, Is.Not.Null);
        var o = v.Output!.Value;
        Assert.That(o.Port, Is.EqualTo(NicBench.Host));
        Assert.That(o.TUser, Is.EqualTo((uint)vm.Vnic));
        Assert.That(ReadMac(o.Data), Is.EqualTo(vm.Mac));
        Assert.That(ReadMac(o.Data.AsSpan(6)), Is.EqualTo(Topology.GatewayMac));
        Assert.That(o.Data.Length, Is.EqualTo(14 + 20 + 20 + 64));
        CheckAll();
    }

    [Test]
    public void GeneveWithOptionsIsDecapsulated()
    {
        var vm = T.Vms[1];
        var v = FromNet(T.FromRemoteGeneveTcp(T.Remotes[0], vm, 50000, 8080, TcpFlags.Syn, optionBytes: 16));
        Assert.That(v.Output?.Port, Is.EqualTo(NicBench.Host));
        Assert.That(v.Output!.Value.TUser, Is.EqualTo((uint)vm.Vnic));
        CheckAll();
    }

    /// <summary>A remote VM in VPC 100 whose mapping selects Geneve (not in the standard topology).</summary>
    private static readonly RemoteVm GeneveRemote =
        new(100, Mac("02:00:00:00:03:16"), Ip("10.0.0.22"), Ip("192.168.100.3"), TunnelType.Geneve);

    private void AddGeneveRemote() =>
        B.Driver.AddMapping(new MappingEntry(true, GeneveRemote.Vni, GeneveRemote.Ip, GeneveRemote.Vtep, GeneveRemote.Mac, GeneveRemote.Tunnel));

    /// <summary>
    /// Checks an encapsulated output by hand (independently of the model, which the bench already compared
    /// byte for byte): outer IPv4 to <paramref name="vtep"/> with a valid checksum and the right lengths, the
    /// UDP port and the 8-byte tunnel header of <paramref name="tunnel"/>, and the inner Ethernet header.
    /// Returns the inner frame.
    /// </summary>
    private static byte[] CheckEncap(byte[] o, TunnelType tunnel, uint vtep, uint vni, ulong innerDst, ulong innerSrc)
    {
        var eth = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, o);
        Assert.That(ReadMac(eth.DestinationHardwareAddress.GetAddressBytes()), Is.EqualTo(Topology.NextHopMac));
        Assert.That(ReadMac(eth.SourceHardwareAddress.GetAddressBytes()), Is.EqualTo(Topology.NicMac));
        var ip = (IPv4Packet)eth.PayloadPacket;
        Assert.That(ip.ValidIPChecksum, Is.True, "outer IPv4 checksum");
        Assert.That(ip.TotalLength, Is.EqualTo(o.Length - 14), "outer IPv4 total length");
        Assert.That(ip.FragmentFlags, Is.EqualTo(2), "DF");
        Assert.That(ip.TimeToLive, Is.EqualTo(64));
        Assert.That(ip.SourceAddress.ToString(), Is.EqualTo("192.168.100.1"));
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(ip.DestinationAddress.GetAddressBytes()), Is.EqualTo(vtep));
        var udp = (UdpPacket)ip.PayloadPacket;
        Assert.That(udp.DestinationPort, Is.EqualTo(tunnel == TunnelType.Geneve ? 6081 : 4789), "UDP destination port");
        Assert.That(udp.SourcePort, Is.GreaterThanOrEqualTo(0xC000));
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(o.AsSpan(38)), Is.EqualTo(o.Length - 34), "UDP length");
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(o.AsSpan(40)), Is.Zero, "UDP checksum");
        byte[] expected = tunnel == TunnelType.Geneve
            ? [0x00, 0x00, 0x65, 0x58, (byte)(vni >> 16), (byte)(vni >> 8), (byte)vni, 0x00]   // ver 0, no options, O/C 0, TEB
            : [0x08, 0x00, 0x00, 0x00, (byte)(vni >> 16), (byte)(vni >> 8), (byte)vni, 0x00];
        Assert.That(o[42..50], Is.EqualTo(expected), $"{tunnel} header");
        var inner = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, o[50..]);
        Assert.That(ReadMac(inner.DestinationHardwareAddress.GetAddressBytes()), Is.EqualTo(innerDst));
        Assert.That(ReadMac(inner.SourceHardwareAddress.GetAddressBytes()), Is.EqualTo(innerSrc));
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(o.AsSpan(62)), Is.EqualTo(0x0800));
        return o[50..];
    }

    [Test]
    public void VmToRemoteIsGeneveEncapsulatedWhenTheMappingSaysSo()
    {
        AddGeneveRemote();
        var vm = T.Vms[0];
        var remote = GeneveRemote;
        var frame = T.FromVmTcp(vm, remote.Ip, 40000, 80, TcpFlags.Syn, payload: 100);
        var v = FromVm(vm, frame);
        Assert.That(v.SlowPath, Is.True);
        var o = v.Output!.Value;
        Assert.That(o.Port, Is.EqualTo(NicBench.Net));
        Assert.That(o.Data.Length, Is.EqualTo(64 + frame.Length - 14), "M = 64 as for VXLAN");
        var inner = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, CheckEncap(o.Data, TunnelType.Geneve, remote.Vtep, 100, remote.Mac, vm.Mac));
        var innerTcp = inner.Extract<TcpPacket>();
        Assert.That(innerTcp.DestinationPort, Is.EqualTo(80));
        Assert.That(innerTcp.PayloadData.Length, Is.EqualTo(100));

        // the session holds ENCAP_GENEVE (type 3) towards the remote and DELIVER back to the VM
        int slot = B.Model.FindSession(100, IpProto.Tcp, vm.Ip, 40000, remote.Ip, 80, (ushort)B.Driver.ReadTick());
        Assert.That(slot, Is.GreaterThanOrEqualTo(0));
        var s = B.Driver.ReadSession(slot);
        Assert.That(new[] { s.Act0, s.Act1 }, Is.EquivalentTo(new[]
        {
            new SessionAction(ActionType.EncapGeneve, 0, remote.Vtep, remote.Mac),
            new SessionAction(ActionType.Deliver, vm.Vnic, 0, 0),
        }));

        // the reply (in Geneve) hits the session; the next frame of the VM takes the fast path, still in Geneve
        var reply = FromNet(Geneve(Topology.NicMac, Topology.NextHopMac, remote.Vtep, Topology.Vtep, 100,
            Ethernet(vm.Mac, remote.Mac, 0x0800, Ipv4(remote.Ip, vm.Ip, IpProto.Tcp, Tcp(80, 40000, TcpFlags.Syn | TcpFlags.Ack, default)))));
        Assert.That(reply.SessionHit, Is.True);
        Assert.That(reply.Output?.Port, Is.EqualTo(NicBench.Host));
        var next = FromVm(vm, T.FromVmTcp(vm, remote.Ip, 40000, 80, TcpFlags.Ack, payload: 7));
        Assert.That(next.SessionHit, Is.True);
        CheckEncap(next.Output!.Value.Data, TunnelType.Geneve, remote.Vtep, 100, remote.Mac, vm.Mac);
        CheckAll();
    }

    [Test]
    public void VtepRouteWithTheGeneveBitEncapsulatesInGeneve()
    {
        var vm = T.Vms[0];
        // route 1 of the topology (VNI 100, 0.0.0.0/0 -> the internet gateway's VTEP), now with Geneve
        B.Driver.WriteRoute(1, new RouteEntry(true, 100, 0, 0, RouteType.Vtep, Topology.InternetVtep, TunnelType.Geneve));
        var v = FromVm(vm, T.FromVmUdp(vm, Ip("8.8.8.8"), 5353, 53, payload: 30));
        Assert.That(v.Output?.Port, Is.EqualTo(NicBench.Net));
        // inner destination MAC = the frame's own (the gateway MAC), as for a VXLAN VTEP route
        var inner = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet,
            CheckEncap(v.Output!.Value.Data, TunnelType.Geneve, Topology.InternetVtep, 100, Topology.GatewayMac, vm.Mac));
        Assert.That(inner.Extract<UdpPacket>().DestinationPort, Is.EqualTo(53));

        // without the bit the same route encapsulates in VXLAN again (a new flow)
        B.Driver.WriteRoute(1, new RouteEntry(true, 100, 0, 0, RouteType.Vtep, Topology.InternetVtep));
        var w = FromVm(vm, T.FromVmUdp(vm, Ip("8.8.8.8"), 5354, 53));
        Assert.That(w.SlowPath, Is.True);
        CheckEncap(w.Output!.Value.Data, TunnelType.Vxlan, Topology.InternetVtep, 100, Topology.GatewayMac, vm.Mac);
        CheckAll();
    }

    [Test]
    public void RepliesGoBackInTheTunnelTheConnectionArrivedIn()
    {
        AddGeneveRemote();
        var vm = T.Vms[0];                 // ingress allows TCP 22 and 80
        var viaGeneve = T.Remotes[0];      // mapped with VXLAN; this connection arrives in Geneve (with options)
        var viaVxlan = GeneveRemote;       // mapped with Geneve; this connection arrives in VXLAN

        var inG = FromNet(Geneve(Topology.NicMac, Topology.NextHopMac, viaGeneve.Vtep, Topology.Vtep, 100,
            Ethernet(vm.Mac, viaGeneve.Mac, 0x0800, Ipv4(viaGeneve.Ip, vm.Ip, IpProto.Tcp, Tcp(50000, 22, TcpFlags.Syn, Payload(10)))),
            Payload(8, 3)));
        Assert.That(inG.Output?.Port, Is.EqualTo(NicBench.Host));
        var outG = FromVm(vm, T.FromVmTcp(vm, viaGeneve.Ip, 22, 50000, TcpFlags.Syn | TcpFlags.Ack, payload: 10));
        Assert.That(outG.SessionHit, Is.True);
        Assert.That(outG.Output!.Value.Data.Length, Is.EqualTo(64 + 20 + 20 + 10), "no Geneve options in the reply");
        CheckEncap(outG.Output!.Value.Data, TunnelType.Geneve, viaGeneve.Vtep, 100, viaGeneve.Mac, vm.Mac);

        var inV = FromNet(Vxlan(Topology.NicMac, Topology.NextHopMac, viaVxlan.Vtep, Topology.Vtep, 100,
            Ethernet(vm.Mac, viaVxlan.Mac, 0x0800, Ipv4(viaVxlan.Ip, vm.Ip, IpProto.Tcp, Tcp(50001, 80, TcpFlags.Syn, default)))));
        Assert.That(inV.Output?.Port, Is.EqualTo(NicBench.Host));
        var outV = FromVm(vm, T.FromVmTcp(vm, viaVxlan.Ip, 80, 50001, TcpFlags.Syn | TcpFlags.Ack));
        Assert.That(outV.SessionHit, Is.True);
        CheckEncap(outV.Output!.Value.Data, TunnelType.Vxlan, viaVxlan.Vtep, 100, viaVxlan.Mac, vm.Mac);

        // a new connection from the VM follows the mappings: Geneve to GeneveRemote, VXLAN to Remotes[0]
        var newG = FromVm(vm, T.FromVmTcp(vm, viaVxlan.Ip, 40100, 443, TcpFlags.Syn));
        Assert.That(newG.SlowPath, Is.True);
        CheckEncap(newG.Output!.Value.Data, TunnelType.Geneve, viaVxlan.Vtep, 100, viaVxlan.Mac, vm.Mac);
        var newV = FromVm(vm, T.FromVmTcp(vm, viaGeneve.Ip, 40101, 443, TcpFlags.Syn));
        Assert.That(newV.SlowPath, Is.True);
        CheckEncap(newV.Output!.Value.Data, TunnelType.Vxlan, viaGeneve.Vtep, 100, viaGeneve.Mac, vm.Mac);
        CheckAll();
    }

    [Test]
    public void VmToVmOnTheSameNicIsHairpinned()
    {
        var a = T.Vms[0];
        var b = T.Vms[2];
        var v = FromVm(a, T.FromVmTcp(a, b.Ip, 33000, 80, TcpFlags.Syn, payload: 20));
        Assert.That(v.Output?.Port, Is.EqualTo(NicBench.Host));
        Assert.That(v.Output!.Value.TUser, Is.EqualTo((uint)b.Vnic));
        Assert.That(ReadMac(v.Output!.Value.Data), Is.EqualTo(b.Mac));
        // the reply from b comes back through the session to a
        var r = FromVm(b, T.FromVmTcp(b, a.Ip, 80, 33000, TcpFlags.Syn | TcpFlags.Ack));
        Assert.That(r.SessionHit, Is.True);
        Assert.That(r.Output!.Value.TUser, Is.EqualTo((uint)a.Vnic));
        CheckAll();
    }

    [Test]
    public void IngressAclDeniesUnlistedPorts()
    {
        var v = FromNet(T.FromRemoteTcp(T.Remotes[0], T.Vms[0], 50000, 443, TcpFlags.Syn));
        Assert.That(v.Drop, Is.EqualTo(DropReason.AclDeny));
        Assert.That(Stat(StatIndex.AclDeny), Is.EqualTo(1));
        Assert.That(Stat(StatIndex.SessInserts), Is.EqualTo(0));
        CheckAll();
    }

    [Test]
    public void RepliesOfAnAllowedConnectionPassTheStatefulAcl()
    {
        var vm = T.Vms[0];
        var remote = T.Remotes[0];
        Assert.That(FromVm(vm, T.FromVmTcp(vm, remote.Ip, 40001, 443, TcpFlags.Syn)).Output?.Port, Is.EqualTo(NicBench.Net));
        // SYN-ACK from port 443 would be denied by the ingress rules, but it belongs to the session
        var reply = FromNet(T.FromRemoteTcp(remote, vm, 443, 40001, TcpFlags.Syn | TcpFlags.Ack));
        Assert.That(reply.SessionHit, Is.True);
        Assert.That(reply.Output?.Port, Is.EqualTo(NicBench.Host));
        // a new inbound connection to the same port is still denied
        Assert.That(FromNet(T.FromRemoteTcp(remote, vm, 443, 40002, TcpFlags.Syn)).Drop, Is.EqualTo(DropReason.AclDeny));
        CheckAll();
    }

    [Test]
    public void OverlappingAddressesInDifferentVpcsStayApart()
    {
        var vm3 = T.Vms[3]; // VPC 200, same IP as vNIC 0 in VPC 100
        var v = FromVm(vm3, T.FromVmUdp(vm3, T.Remotes[2].Ip, 5000, 53));
        Assert.That(v.Output?.Port, Is.EqualTo(NicBench.Net));
        var d = v.Output!.Value.Data;
        Assert.That(d[14 + 20 + 8 + 4] << 16 | d[14 + 20 + 8 + 5] << 8 | d[14 + 20 + 8 + 6], Is.EqualTo(200), "VNI");
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(30)), Is.EqualTo(T.Remotes[2].Vtep));
        // the same 5-tuple from VPC 100 is a different flow
        var vm0 = T.Vms[0];
        var w = FromVm(vm0, T.FromVmUdp(vm0, T.Remotes[0].Ip, 5000, 53));
        Assert.That(w.SessionHit, Is.False);
        Assert.That(Stat(StatIndex.SessInserts), Is.EqualTo(2));
        CheckAll();
    }

    [Test]
    public void RoutesPickTheLongestPrefix()
    {
        var vm = T.Vms[0];
        Assert.That(FromVm(vm, T.FromVmTcp(vm, Ip("10.0.0.200"), 1000, 80, TcpFlags.Syn)).Drop, Is.EqualTo(DropReason.RouteDrop));
        Assert.That(FromVm(vm, T.FromVmTcp(vm, Ip("10.0.0.50"), 1000, 80, TcpFlags.Syn)).Drop, Is.EqualTo(DropReason.NoMapping));
        var inet = FromVm(vm, T.FromVmTcp(vm, Ip("8.8.8.8"), 1000, 443, TcpFlags.Syn));
        Assert.That(inet.Output?.Port, Is.EqualTo(NicBench.Net));
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(inet.Output!.Value.Data.AsSpan(30)), Is.EqualTo(Topology.InternetVtep));
        var vm3 = T.Vms[3];
        Assert.That(FromVm(vm3, T.FromVmTcp(vm3, Ip("172.16.0.1"), 1000, 80, TcpFlags.Syn)).Drop, Is.EqualTo(DropReason.NoRoute));
        CheckAll();
    }

    [Test]
    public void IcmpEchoRepliesFollowTheSession()
    {
        var vm = T.Vms[0];
        var remote = T.Remotes[1];
        Assert.That(FromVm(vm, T.FromVmPing(vm, remote.Ip, 77, 1)).Output?.Port, Is.EqualTo(NicBench.Net));
        var reply = Vxlan(Topology.NicMac, Topology.NextHopMac, remote.Vtep, Topology.Vtep, 100,
            Ethernet(vm.Mac, remote.Mac, 0x0800, Ipv4(remote.Ip, vm.Ip, IpProto.Icmp, IcmpEcho(false, 77, 1, Payload(32)))));
        var r = FromNet(reply);
        Assert.That(r.SessionHit, Is.True);
        Assert.That(r.Output?.Port, Is.EqualTo(NicBench.Host));
        CheckAll();
    }

    [Test]
    public void ArpIsAnsweredForTheGatewayAndKnownVms()
    {
        var vm = T.Vms[0];
        var gw = FromVm(vm, T.ArpRequest(vm, vm.Gateway));
        Assert.That(gw.Output?.Port, Is.EqualTo(NicBench.Host));
        var d = gw.Output!.Value.Data;
        Assert.That(d.Length, Is.EqualTo(60));
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(20)), Is.EqualTo(2), "ARP reply opcode");
        Assert.That(ReadMac(d.AsSpan(22)), Is.EqualTo(Topology.GatewayMac));
        Assert.That(ReadMac(d), Is.EqualTo(vm.Mac));

        Assert.That(ReadMac(FromVm(vm, T.ArpRequest(vm, T.Vms[2].Ip)).Output!.Value.Data.AsSpan(22)), Is.EqualTo(T.Vms[2].Mac));
        Assert.That(ReadMac(FromVm(vm, T.ArpRequest(vm, T.Remotes[0].Ip)).Output!.Value.Data.AsSpan(22)), Is.EqualTo(T.Remotes[0].Mac));
        Assert.That(FromVm(vm, T.ArpRequest(vm, Ip("10.0.0.99"))).Drop, Is.EqualTo(DropReason.ArpUnknown));
        Assert.That(FromVm(vm, T.ArpRequest(vm, vm.Ip)).Drop, Is.EqualTo(DropReason.ArpIgnored));
        Assert.That(Stat(StatIndex.ArpReplies), Is.EqualTo(3));
        CheckAll();
    }

    [Test]
    public void ExceptionsGoToTheHostWithTheirReason()
    {
        var vm = T.Vms[0];
        var frag = Ethernet(Topology.GatewayMac, vm.Mac, 0x0800,
            Ipv4(vm.Ip, T.Remotes[0].Ip, IpProto.Udp, Udp(1, 2, Payload(40)), flagsFrag: 0x2000));
        var f = FromVm(vm, frag);
        Assert.That(f.Exception, Is.EqualTo(ExceptionReason.Fragment));
        Assert.That(f.Output!.Value.Data, Is.EqualTo(frag));
        Assert.That(FromVm(vm, T.FromVmPing(vm, vm.Gateway, 1, 1)).Exception, Is.EqualTo(ExceptionReason.Gateway));
        var underlayArp = Ethernet(0xFFFF_FFFF_FFFF, Topology.NextHopMac, 0x0806, Arp(1, Topology.NextHopMac, Ip("192.168.100.254"), 0, Topology.Vtep));
        Assert.That(FromNet(underlayArp).Exception, Is.EqualTo(ExceptionReason.Underlay));
        var notTunnel = Ethernet(Topology.NicMac, Topology.NextHopMac, 0x0800, Ipv4(Ip("192.168.100.9"), Topology.Vtep, IpProto.Udp, Udp(1000, 53, Payload(8))));
        Assert.That(FromNet(notTunnel).Exception, Is.EqualTo(ExceptionReason.Underlay));
        // underlay: TCP to the VTEP, a VXLAN frame for another address, an outer fragment of a VXLAN frame
        var inner = Ethernet(vm.Mac, T.Remotes[0].Mac, 0x0800, Ipv4(T.Remotes[0].Ip, vm.Ip, IpProto.Udp, Udp(1, 2, Payload(8))));
        var tcpToVtep = Ethernet(Topology.NicMac, Topology.NextHopMac, 0x0800, Ipv4(Ip("192.168.100.9"), Topology.Vtep, IpProto.Tcp, Tcp(1000, 22, TcpFlags.Syn, Payload(0))));
        Assert.That(FromNet(tcpToVtep).Exception, Is.EqualTo(ExceptionReason.Underlay));
        var elsewhere = Vxlan(Topology.NicMac, Topology.NextHopMac, T.Remotes[0].Vtep, Ip("192.168.100.200"), 100, inner);
        Assert.That(FromNet(elsewhere).Exception, Is.EqualTo(ExceptionReason.Underlay));
        var outerFrag = Vxlan(Topology.NicMac, Topology.NextHopMac, T.Remotes[0].Vtep, Topology.Vtep, 100, inner);
        outerFrag[20] = 0x20;                                  // MF
        outerFrag[24] = 0; outerFrag[25] = 0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(outerFrag.AsSpan(24), Checksum(outerFrag.AsSpan(14, 20)));
        var fo = FromNet(outerFrag);
        Assert.That(fo.Exception, Is.EqualTo(ExceptionReason.Fragment));
        Assert.That(fo.Output!.Value.Data, Is.EqualTo(outerFrag), "the host gets the frame as it came");
        var innerFrag = Vxlan(Topology.NicMac, Topology.NextHopMac, T.Remotes[0].Vtep, Topology.Vtep, 100,
            Ethernet(vm.Mac, T.Remotes[0].Mac, 0x0800, Ipv4(T.Remotes[0].Ip, vm.Ip, IpProto.Udp, Udp(1, 2, Payload(8)), flagsFrag: 0x2000)));
        Assert.That(FromNet(innerFrag).Exception, Is.EqualTo(ExceptionReason.Fragment), "a fragment inside the tunnel");
        Assert.That(Stat(StatIndex.ExcUnderlay), Is.EqualTo(4));
        Assert.That(Stat(StatIndex.ExcFragment), Is.EqualTo(3));
        CheckAll();
    }

    [Test]
    public void SpoofedAndUnknownSendersAreDropped()
    {
        var vm = T.Vms[0];
        var spoof = Ethernet(Topology.GatewayMac, vm.Mac, 0x0800, Ipv4(T.Vms[1].Ip, T.Remotes[0].Ip, IpProto.Udp, Udp(1, 2, Payload(4))));
        Assert.That(FromVm(vm, spoof).Drop, Is.EqualTo(DropReason.Spoof));
        Assert.That(One(NicBench.Host, T.FromVmUdp(vm, T.Remotes[0].Ip, 1, 2), B.TUser(Info.NVnic - 1)).Drop, Is.EqualTo(DropReason.BadVnic));
        var toUnknownMac = Vxlan(Topology.NicMac, Topology.NextHopMac, T.Remotes[0].Vtep, Topology.Vtep, 100,
            Ethernet(Mac("02:00:00:00:09:09"), T.Remotes[0].Mac, 0x0800, Ipv4(T.Remotes[0].Ip, vm.Ip, IpProto.Tcp, Tcp(1, 22, TcpFlags.Syn, default))));
        Assert.That(FromNet(toUnknownMac).Drop, Is.EqualTo(DropReason.UnknownVnic));
        // a mapping that points at this NIC but names a MAC no vNIC has: the local target is unknown
        B.Driver.AddMapping(new MappingEntry(true, 100, Ip("10.0.0.50"), Topology.Vtep, Mac("02:00:00:00:09:0a")));
        Assert.That(FromVm(vm, T.FromVmUdp(vm, Ip("10.0.0.50"), 1, 2)).Drop, Is.EqualTo(DropReason.UnknownVnic));
        Assert.That(Stat(StatIndex.UnknownVnic), Is.EqualTo(2));
        CheckAll();
    }

    [Test]
    public void TunnelFramesOnATaggedUnderlayAreDecapsulated()
    {
        // the underlay may use a VLAN; the tag goes with the outer header
        var r = T.Remotes[0];
        var vm = T.Vms[0];
        var tunnelled = T.FromRemoteTcp(r, vm, 2000, 22, TcpFlags.Syn, payload: 8);
        var tagged = Ethernet(Topology.NicMac, Topology.NextHopMac, 0x0800, tunnelled.AsSpan(14), vlan: 42);
        var v = FromNet(tagged);
        Assert.That(v.Output?.Port, Is.EqualTo(NicBench.Host));
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(v.Output!.Value.Data.AsSpan(12)), Is.EqualTo(0x0800));
        CheckAll();
    }

    [Test]
    public void RstTearsTheSessionDown()
    {
        var vm = T.Vms[1];
        var remote = T.Remotes[0];
        FromVm(vm, T.FromVmTcp(vm, remote.Ip, 41000, 9000, TcpFlags.Syn));
        Assert.That(Stat(StatIndex.SessOccupancy), Is.EqualTo(1));
        var rst = FromNet(T.FromRemoteTcp(remote, vm, 9000, 41000, TcpFlags.Rst));
        Assert.That(rst.SessionHit, Is.True);
        Assert.That(rst.Output?.Port, Is.EqualTo(NicBench.Host), "the RST itself is delivered");
        Assert.That(Stat(StatIndex.SessClosed), Is.EqualTo(1));
        Assert.That(Stat(StatIndex.SessOccupancy), Is.EqualTo(0));
        CheckAll();
    }

    [Test]
    public void FinFinAgesOutAfterTheCloseTimeout()
    {
        B.Driver.Configure(new NicGlobalConfig(Topology.NicMac, Topology.Vtep, Topology.NextHopMac, Topology.GatewayMac, Info.MtuMax, 1000, 3, 64));
        var vm = T.Vms[1];
        var remote = T.Remotes[0];
        FromVm(vm, T.FromVmTcp(vm, remote.Ip, 42000, 9000, TcpFlags.Syn));
        FromNet(T.FromRemoteTcp(remote, vm, 9000, 42000, TcpFlags.Syn | TcpFlags.Ack));
        FromVm(vm, T.FromVmTcp(vm, remote.Ip, 42000, 9000, TcpFlags.Fin | TcpFlags.Ack));
        FromNet(T.FromRemoteTcp(remote, vm, 9000, 42000, TcpFlags.Fin | TcpFlags.Ack));
        B.Driver.ReadSession(0); // exercise read-back mid-life (not compared until settled)
        B.Sim.Step(64 * 10);
        B.SettleAging();
        Assert.That(Stat(StatIndex.SessOccupancy), Is.EqualTo(0));
        Assert.That(Stat(StatIndex.SessAged), Is.EqualTo(1));
        CheckAll();
    }

    [Test]
    public void IdleSessionsAgeOutAndComeBackAsNewFlows()
    {
        // 64 ticks of idle timeout at 50 cycles per tick: long enough for the burst, short enough to wait out
        B.Driver.Configure(new NicGlobalConfig(Topology.NicMac, Topology.Vtep, Topology.NextHopMac, Topology.GatewayMac, Info.MtuMax, 64, 2, 50));
        var vm = T.Vms[1];
        for (int i = 0; i < 20; i++)
            B.SendFromVm(vm.Vnic, T.FromVmUdp(vm, T.Remotes[i % 2].Ip, (ushort)(3000 + i), 53));
        B.Drain();
        Assert.That(Stat(StatIndex.SessOccupancy), Is.EqualTo(20));
        Assert.That(Stat(StatIndex.SessInserts), Is.EqualTo(20));
        B.Sim.Step(50 * 70);
        B.SettleAging();
        Assert.That(Stat(StatIndex.SessOccupancy), Is.EqualTo(0));
        Assert.That(Stat(StatIndex.SessAged), Is.EqualTo(20));
        B.Bus.Write32(NezhaRegs.CONFIG_TICK_CYCLES, 50);
        var again = FromVm(vm, T.FromVmUdp(vm, T.Remotes[0].Ip, 3000, 53));
        Assert.That(again.SessionHit, Is.False);
        Assert.That(again.SlowPath, Is.True);
        CheckAll();
    }

    /// <summary>Sends <paramref name="n"/> external tick pulses and runs until they are all driven.</summary>
    private void Pulse(int n)
    {
        for (int i = 0; i < n; i++) B.Sim.TickPulse();
        B.Drain();
        Assert.That(B.Sim.PendingTickPulses, Is.Zero);
    }

    [Test]
    public void ExternalTickAdvancesOnlyWithTickPulses()
    {
        B.Driver.Configure(new NicGlobalConfig(Topology.NicMac, Topology.Vtep, Topology.NextHopMac, Topology.GatewayMac, Info.MtuMax, 1000, 100, 0));
        int t0 = B.Driver.ReadTick();
        B.Sim.Step(50_000);
        Assert.That(B.Driver.ReadTick(), Is.EqualTo(t0), "TICK_CYCLES = 0: no pulse, no tick");
        for (int i = 1; i <= 5; i++)
        {
            B.Sim.TickPulse();
            Assert.That(B.Sim.PendingTickPulses, Is.EqualTo(1));
            B.Sim.Step(1);
            Assert.That(B.Sim.PendingTickPulses, Is.Zero, "a pulse is one clocked cycle");
            Assert.That(B.Driver.ReadTick(), Is.EqualTo(t0 + i), "each pulse advances TICK_NOW by one");
        }
        // pulses queued before a step go out one per cycle
        for (int i = 0; i < 3; i++) B.Sim.TickPulse();
        B.Sim.Step(2);
        Assert.That(B.Sim.PendingTickPulses, Is.EqualTo(1));
        B.Sim.Step(10_000);
        Assert.That(B.Driver.ReadTick(), Is.EqualTo(t0 + 8));
        // pending pulses keep the simulation busy: RunUntilIdle drives them all
        for (int i = 0; i < 20; i++) B.Sim.TickPulse();
        B.Sim.RunUntilIdle();
        Assert.That(B.Driver.ReadTick(), Is.EqualTo(t0 + 28));

        // with an internal tick, tick_in is ignored (a period far longer than this test)
        B.Bus.Write32(NezhaRegs.CONFIG_TICK_CYCLES, 0xFF_FFFF);
        for (int i = 0; i < 10; i++) B.Sim.TickPulse();
        B.Sim.Step(1000);
        Assert.That(B.Driver.ReadTick(), Is.EqualTo(t0 + 28));
        // and an internal tick counts again: 100 cycles per tick
        B.Bus.Write32(NezhaRegs.CONFIG_TICK_CYCLES, 100);
        B.Sim.Step(1000);
        Assert.That(B.Driver.ReadTick(), Is.InRange(t0 + 37, t0 + 41));
        CheckAll();
    }

    [Test]
    public void SessionsAgeOutAfterIdleTimeoutPlusOneExternalTicks()
    {
        const int idle = 5;
        B.Driver.Configure(new NicGlobalConfig(Topology.NicMac, Topology.Vtep, Topology.NextHopMac, Topology.GatewayMac, Info.MtuMax, idle, 2, 0));
        var vm = T.Vms[1];
        var remote = T.Remotes[0];
        var flow = T.FromVmUdp(vm, remote.Ip, 7000, 53);
        Assert.That(FromVm(vm, flow).SlowPath, Is.True);
        B.SendFromVm(vm.Vnic, T.FromVmUdp(vm, remote.Ip, 7001, 53));   // a second flow, left idle too
        B.Drain();
        var t0 = (ushort)B.Driver.ReadTick();
        int slot = B.Model.FindSession(vm.Vni, IpProto.Udp, vm.Ip, 7000, remote.Ip, 53, t0);
        Assert.That(slot, Is.GreaterThanOrEqualTo(0));
        Assert.That(B.Driver.ReadSession(slot).Ts, Is.EqualTo(t0), "stamped with the external tick");

        // a hit within the timeout refreshes the first flow only
        Pulse(3);
        Assert.That(FromVm(vm, flow).SessionHit, Is.True);
        Pulse(idle - 3);
        B.SettleAging();   // the tick stays external (TICK_CYCLES = 0)
        Assert.That(Stat(StatIndex.SessOccupancy), Is.EqualTo(2), "IDLE_TIMEOUT ticks idle: still live");
        Assert.That(Stat(StatIndex.SessAged), Is.Zero);
        Pulse(1);
        B.SettleAging();
        Assert.That(Stat(StatIndex.SessOccupancy), Is.EqualTo(1), "IDLE_TIMEOUT + 1 ticks idle: expired");
        Assert.That(Stat(StatIndex.SessAged), Is.EqualTo(1));
        Pulse(3);
        B.SettleAging();
        Assert.That(Stat(StatIndex.SessOccupancy), Is.Zero);
        Assert.That(Stat(StatIndex.SessAged), Is.EqualTo(2));

        var again = FromVm(vm, flow);
        Assert.That(again.SessionHit, Is.False);
        Assert.That(again.SlowPath, Is.True);
        CheckAll();
    }

    [TestCase(1)]
    [TestCase(8)]
    [TestCase(40)]
    public void SlowPathCostFollowsTheDocumentedFormula(int rules)
    {
        // datapath-spec 4.6 "Slow-path cost": MAPPED remote route, allowing egress rule last of n, free way:
        // 7 + (n - 1 + 2) + 3 = n + 11 cycles
        var vm = T.Vms[1];
        for (int i = 0; i < rules - 1; i++)
            B.Driver.WriteAclRule(vm.AclSet, i, new AclRule(true, AclDirection.Egress, false, IpProto.Udp, 0, 0, 0, 0, 1, 1, 1, 1));
        B.Driver.WriteAclRule(vm.AclSet, rules - 1, new AclRule(true, AclDirection.Egress, true, 0, 0, 0, 0, 0, 0, 65535, 0, 65535));
        B.Driver.SetAclCount(vm.AclSet, rules);
        ulong before = B.Driver.ReadVnicCounters(vm.Vnic).SlowCycles;
        var v = FromVm(vm, T.FromVmTcp(vm, T.Remotes[0].Ip, 45000, 443, TcpFlags.Syn));
        Assert.That(v.SlowPath, Is.True);
        Assert.That(B.Driver.ReadVnicCounters(vm.Vnic).SlowCycles - before, Is.EqualTo((ulong)(rules + 11)));
        CheckAll();
    }

    [Test]
    public void SessionReadBackMatchesTheModelEntryForEntry()
    {
        var vm = T.Vms[1];
        for (int i = 0; i < 50; i++)
            B.SendFromVm(vm.Vnic, T.FromVmTcp(vm, T.Remotes[i % 2].Ip, (ushort)(10000 + i), 443, TcpFlags.Syn, payload: i));
        B.Drain();
        // every slot of the 4K table; a random sample of the 64K one
        var rnd = new Random(5);
        B.CompareSessionTable(Config == SimConfig.W512
            ? Enumerable.Range(0, 4000).Select(_ => rnd.Next(B.Params.SessCapacity)).ToArray()
            : null);
        CheckAll();
    }
}
