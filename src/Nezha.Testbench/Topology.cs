using Nezha.Driver;
using Nezha.Common.Registers;
using static Nezha.Verify.Testbench.FrameBuilder;

namespace Nezha.Verify.Testbench;

/// <summary>A VM attached to the NIC under test.</summary>
public sealed record LocalVm(int Vnic, uint Vni, ulong Mac, uint Ip, uint Gateway, int AclSet);

/// <summary>A VM on another host, reached through VXLAN or (<paramref name="Tunnel"/>) Geneve.</summary>
public sealed record RemoteVm(uint Vni, ulong Mac, uint Ip, uint Vtep, TunnelType Tunnel = TunnelType.Vxlan);

/// <summary>An FE copy held by the card: vNIC slot <c>Copy.Vnic</c> with MODE = FE for vNIC <paramref name="BeVnic"/> of the BE at <paramref name="BeVtep"/>.</summary>
public sealed record FeCopy(LocalVm Copy, int BeVnic, uint BeVtep, byte Version);

/// <summary>A vNIC of the card offloaded to FE group <paramref name="Group"/> (MODE = BE, or DRAIN).</summary>
public sealed record OffloadedVnic(LocalVm Vm, int Group, byte Version, bool Draining, bool Compact = false);

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

    /// <summary>ACL sets by index (rules in order); the standard ones above unless generated.</summary>
    public AclRule[][] AclSets { get; init; } =
    {
        new[]
        {
            new AclRule(true, AclDirection.Egress, true, 0, 0, 0, 0, 0, 0, 65535, 0, 65535),
            new AclRule(true, AclDirection.Ingress, true, IpProto.Tcp, 0, 0, 0, 0, 0, 65535, 22, 22),
            new AclRule(true, AclDirection.Ingress, true, IpProto.Tcp, 0, 0, 0, 0, 0, 65535, 80, 80),
            new AclRule(true, AclDirection.Ingress, true, IpProto.Icmp, 0, 0, 0, 0, 0, 65535, 0, 65535),
        },
        new[]
        {
            new AclRule(true, AclDirection.Ingress, true, 0, 0, 0, 0, 0, 0, 65535, 0, 65535),
            new AclRule(true, AclDirection.Egress, true, 0, 0, 0, 0, 0, 0, 65535, 0, 65535),
        },
    };

    /// <summary>Route table entries by index.</summary>
    public RouteEntry[] Routes { get; init; } =
    {
        new(true, 100, Ip("10.0.0.0"), 24, RouteType.Mapped, 0),
        new(true, 100, 0, 0, RouteType.Vtep, InternetVtep),
        new(true, 100, Ip("10.0.0.128"), 25, RouteType.Drop, 0),
        new(true, 200, Ip("10.0.0.0"), 24, RouteType.Mapped, 0),
    };

    /// <summary>Each VPC's address block (VNI -> prefix): where ARP targets and unmapped peers are drawn from.</summary>
    public IReadOnlyDictionary<uint, (uint Prefix, int Len)> Vpcs { get; init; } =
        new Dictionary<uint, (uint, int)> { [100] = (Ip("10.0.0.0"), 24), [200] = (Ip("10.0.0.0"), 24) };

    /// <summary>
    /// Address ranges (inclusive) that VM-initiated flows to "other" destinations are drawn from: a range is
    /// picked uniformly, then an address in it (internet, route-dropped, unmapped).
    /// </summary>
    public (uint Lo, uint Hi)[] Outside { get; init; } =
    {
        (Ip("8.8.8.8"), Ip("8.8.8.8")),
        (Ip("10.0.0.200"), Ip("10.0.0.200")),
        (Ip("10.0.0.30"), Ip("10.0.0.119")),
    };

    /// <summary>Nezha roles of this card (none in the standard topology): FE groups by index, FE copies, offloaded vNICs.</summary>
    public uint[][] FeGroups { get; init; } = Array.Empty<uint[]>();
    public FeCopy[] FeCopies { get; init; } = Array.Empty<FeCopy>();
    public OffloadedVnic[] Offloaded { get; init; } = Array.Empty<OffloadedVnic>();
    /// <summary>PROBE_INTERVAL / PROBE_TIMEOUT in ticks; null leaves the reset values.</summary>
    public (int Interval, int Timeout)? ProbeTiming { get; init; }

    /// <summary>The MTU register; null: the card's largest (MtuMax).</summary>
    public int? Mtu { get; init; }

    public int IdleTimeout { get; init; } = 1000;
    public int CloseTimeout { get; init; } = 100;
    public int TickCycles { get; init; } = 1000;

    /// <summary>A random address of the VPC of <paramref name="vni"/> (any host of its block).</summary>
    public uint RandomInVpc(uint vni, Random rnd)
    {
        var (prefix, len) = Vpcs.TryGetValue(vni, out var v) ? v : (Ip("10.0.0.0"), 24);
        uint host = len >= 32 ? 0 : (uint)rnd.NextInt64(1L << (32 - len));
        return prefix | host;
    }

    /// <summary>A random "other" destination (see <see cref="Outside"/>).</summary>
    public uint RandomOutside(Random rnd)
    {
        var (lo, hi) = Outside[rnd.Next(Outside.Length)];
        return lo + (uint)rnd.NextInt64((long)hi - lo + 1);
    }

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

    /// <summary>Programs this topology: global registers, ACL sets, routes, mappings (local VMs at this card's VTEP), vNICs.</summary>
    public void Program(NicDriver d, NicInfo info)
    {
        d.Configure(new NicGlobalConfig(Nic, LocalVtep, NextHop, Gw, Mtu ?? info.MtuMax, IdleTimeout, CloseTimeout, TickCycles));
        for (int s = 0; s < AclSets.Length; s++)
        {
            for (int i = 0; i < AclSets[s].Length; i++) d.WriteAclRule(s, i, AclSets[s][i]);
            d.SetAclCount(s, AclSets[s].Length);
        }
        for (int i = 0; i < Routes.Length; i++) d.WriteRoute(i, Routes[i]);
        foreach (var vm in Vms)
            d.AddMapping(new MappingEntry(true, vm.Vni, vm.Ip, LocalVtep, vm.Mac));
        foreach (var r in Remotes)
            d.AddMapping(new MappingEntry(true, r.Vni, r.Ip, r.Vtep, r.Mac, r.Tunnel));
        foreach (var vm in Vms)
            d.WriteVnic(vm.Vnic, new VnicEntry(true, vm.Vni, vm.Mac, vm.Ip, vm.Gateway, vm.AclSet));
        if (ProbeTiming is { } pt) d.SetProbeTiming(pt.Interval, pt.Timeout);
        for (int g = 0; g < FeGroups.Length; g++)
            d.WriteFeGroup(g, FeGroupEntry.Of(FeGroups[g]));
        foreach (var c in FeCopies)
        {
            var vm = c.Copy;
            d.WriteVnic(vm.Vnic, new VnicEntry(true, vm.Vni, vm.Mac, vm.Ip, vm.Gateway, vm.AclSet));
            d.WriteOffload(vm.Vnic, new OffloadEntry(OffloadMode.Fe, 0, c.Version, c.BeVnic, c.BeVtep));
        }
        foreach (var o in Offloaded)
            d.WriteOffload(o.Vm.Vnic, new OffloadEntry(o.Draining ? OffloadMode.Drain : OffloadMode.Be, o.Group, o.Version, 0, 0, o.Compact));
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
