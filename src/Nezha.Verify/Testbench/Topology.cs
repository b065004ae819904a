using Nezha.Driver;
using Nezha.Driver.Registers;
using static Nezha.Verify.Testbench.FrameBuilder;

namespace Nezha.Verify.Testbench;

/// <summary>A VM attached to the NIC under test.</summary>
public sealed record LocalVm(int Vnic, uint Vni, ulong Mac, uint Ip, uint Gateway, int AclSet);

/// <summary>A VM on another host, reached through VXLAN or (<paramref name="Tunnel"/>) Geneve.</summary>
public sealed record RemoteVm(uint Vni, ulong Mac, uint Ip, uint Vtep, TunnelType Tunnel = TunnelType.Vxlan);

/// <summary>
/// The standard test topology, small enough for every configuration (4 vNICs, 2 ACL sets, 4 routes):
/// VPC 100 (10.0.0.0/24, gateway 10.0.0.1) with local VMs on vNIC 0, 1, 2 and remote VMs 10.0.0.20/21
/// on two other hosts; VPC 200 with one local VM on vNIC 3 whose address overlaps VPC 100's vNIC 0.
/// ACL set 0: egress allow all; ingress allow TCP 22 and 80 and ICMP, deny the rest.
/// ACL set 1: allow everything both ways.
/// </summary>
public sealed class Topology
{
    public static readonly ulong NicMac = Mac("02:00:00:00:00:01");
    public static readonly ulong NextHopMac = Mac("02:00:00:00:00:fe");
    public static readonly ulong GatewayMac = Mac("02:00:00:00:00:99");
    public static readonly uint Vtep = Ip("192.168.100.1");
    public static readonly uint InternetVtep = Ip("192.168.100.254");

    /// <summary>This topology's addresses (the standard ones above unless built from a config).</summary>
    public ulong Nic { get; init; } = NicMac;
    public ulong NextHop { get; init; } = NextHopMac;
    public ulong Gw { get; init; } = GatewayMac;
    public uint LocalVtep { get; init; } = Vtep;

    public LocalVm[] Vms { get; init; } =
    {
        new(0, 100, Mac("02:00:00:00:01:0a"), Ip("10.0.0.10"), Ip("10.0.0.1"), 0),
        new(1, 100, Mac("02:00:00:00:01:0b"), Ip("10.0.0.11"), Ip("10.0.0.1"), 1),
        new(2, 100, Mac("02:00:00:00:01:0c"), Ip("10.0.0.12"), Ip("10.0.0.1"), 0),
        new(3, 200, Mac("02:00:00:00:02:0a"), Ip("10.0.0.10"), Ip("10.0.0.1"), 1),
    };

    public RemoteVm[] Remotes { get; init; } =
    {
        new(100, Mac("02:00:00:00:03:14"), Ip("10.0.0.20"), Ip("192.168.100.2")),
        new(100, Mac("02:00:00:00:03:15"), Ip("10.0.0.21"), Ip("192.168.100.3")),
        new(200, Mac("02:00:00:00:04:14"), Ip("10.0.0.20"), Ip("192.168.100.3")),
    };

    public int IdleTimeout { get; init; } = 1000;
    public int CloseTimeout { get; init; } = 100;
    public int TickCycles { get; init; } = 1000;

    /// <summary>The VMs and remote VMs of a configuration file (its traffic is generated from these).</summary>
    public static Topology FromConfig(Nezha.Driver.Config.NicConfig c) => new()
    {
        Nic = c.Global.NicMac,
        NextHop = c.Global.NextHopMac,
        Gw = c.Global.GatewayMac,
        LocalVtep = c.Global.VtepIp,
        Vms = c.Vnics.Where(v => v.Entry.Enabled)
                     .Select(v => new LocalVm(v.Id, v.Entry.Vni, v.Entry.Mac, v.Entry.Ip, v.Entry.GwIp, v.Entry.AclSet)).ToArray(),
        Remotes = c.Mappings.Where(m => m.Valid && m.Vtep != c.Global.VtepIp)
                            .Select(m => new RemoteVm(m.Vni, m.Mac, m.Ip, m.Vtep, m.Tunnel)).ToArray(),
    };

    public void Program(NicDriver d, NicInfo info)
    {
        d.Configure(new NicGlobalConfig(NicMac, Vtep, NextHopMac, GatewayMac, info.MtuMax, IdleTimeout, CloseTimeout, TickCycles));
        // ACL set 0: egress allow all; ingress tcp 22, tcp 80, icmp
        var rules0 = new[]
        {
            new AclRule(true, AclDirection.Egress, true, 0, 0, 0, 0, 0, 0, 65535, 0, 65535),
            new AclRule(true, AclDirection.Ingress, true, IpProto.Tcp, 0, 0, 0, 0, 0, 65535, 22, 22),
            new AclRule(true, AclDirection.Ingress, true, IpProto.Tcp, 0, 0, 0, 0, 0, 65535, 80, 80),
            new AclRule(true, AclDirection.Ingress, true, IpProto.Icmp, 0, 0, 0, 0, 0, 65535, 0, 65535),
        };
        for (int i = 0; i < rules0.Length; i++) d.WriteAclRule(0, i, rules0[i]);
        d.SetAclCount(0, rules0.Length);
        d.WriteAclRule(1, 0, new AclRule(true, AclDirection.Ingress, true, 0, 0, 0, 0, 0, 0, 65535, 0, 65535));
        d.WriteAclRule(1, 1, new AclRule(true, AclDirection.Egress, true, 0, 0, 0, 0, 0, 0, 65535, 0, 65535));
        d.SetAclCount(1, 2);

        d.WriteRoute(0, new RouteEntry(true, 100, Ip("10.0.0.0"), 24, RouteType.Mapped, 0));
        d.WriteRoute(1, new RouteEntry(true, 100, 0, 0, RouteType.Vtep, InternetVtep));
        d.WriteRoute(2, new RouteEntry(true, 100, Ip("10.0.0.128"), 25, RouteType.Drop, 0));
        d.WriteRoute(3, new RouteEntry(true, 200, Ip("10.0.0.0"), 24, RouteType.Mapped, 0));

        foreach (var vm in Vms)
            d.AddMapping(new MappingEntry(true, vm.Vni, vm.Ip, Vtep, vm.Mac));
        foreach (var r in Remotes)
            d.AddMapping(new MappingEntry(true, r.Vni, r.Ip, r.Vtep, r.Mac, r.Tunnel));
        foreach (var vm in Vms)
            d.WriteVnic(vm.Vnic, new VnicEntry(true, vm.Vni, vm.Mac, vm.Ip, vm.Gateway, vm.AclSet));
    }

    /// <summary>A TCP segment from a local VM, addressed at L2 to the gateway as a routed guest would.</summary>
    public byte[] FromVmTcp(LocalVm vm, uint dst, ushort sport, ushort dport, byte flags, int payload = 0, ushort? vlan = null) =>
        Ethernet(Gw, vm.Mac, 0x0800, Ipv4(vm.Ip, dst, IpProto.Tcp, Tcp(sport, dport, flags, Payload(payload))), vlan);

    public byte[] FromVmUdp(LocalVm vm, uint dst, ushort sport, ushort dport, int payload = 0) =>
        Ethernet(Gw, vm.Mac, 0x0800, Ipv4(vm.Ip, dst, IpProto.Udp, Udp(sport, dport, Payload(payload))));

    public byte[] FromVmPing(LocalVm vm, uint dst, ushort id, ushort seq, bool request = true) =>
        Ethernet(Gw, vm.Mac, 0x0800, Ipv4(vm.Ip, dst, IpProto.Icmp, IcmpEcho(request, id, seq, Payload(32))));

    /// <summary>A TCP segment from a remote VM, VXLAN-encapsulated by its host towards this NIC.</summary>
    public byte[] FromRemoteTcp(RemoteVm r, LocalVm to, ushort sport, ushort dport, byte flags, int payload = 0) =>
        Vxlan(Nic, NextHop, r.Vtep, LocalVtep, r.Vni,
              Ethernet(to.Mac, r.Mac, 0x0800, Ipv4(r.Ip, to.Ip, IpProto.Tcp, Tcp(sport, dport, flags, Payload(payload)))));

    public byte[] FromRemoteGeneveTcp(RemoteVm r, LocalVm to, ushort sport, ushort dport, byte flags, int optionBytes = 8) =>
        Geneve(Nic, NextHop, r.Vtep, LocalVtep, r.Vni,
               Ethernet(to.Mac, r.Mac, 0x0800, Ipv4(r.Ip, to.Ip, IpProto.Tcp, Tcp(sport, dport, flags, Payload(10)))),
               Payload(optionBytes, 3));

    public byte[] ArpRequest(LocalVm vm, uint target) =>
        Ethernet(0xFFFF_FFFF_FFFF, vm.Mac, 0x0806, Arp(1, vm.Mac, vm.Ip, 0, target));
}
