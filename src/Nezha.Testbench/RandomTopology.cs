using Nezha.Driver;
using Nezha.Common.Registers;

namespace Nezha.Verify.Testbench;

/// <summary>
/// A random but consistent <see cref="Topology"/> for a card's build parameters, so that the constrained-random
/// runs move every bit of the configuration: random unicast MACs for the card, next hop, gateway and VMs;
/// random VTEP addresses; 2-3 VPCs with random 24-bit VNIs and random blocks (/16../28, sometimes the same
/// block in two VPCs); VMs on random vNIC slots over the whole vNIC range with random ACL sets; remote VMs
/// behind 2-4 remote VTEPs, VXLAN or Geneve; per VPC a MAPPED route for its block, a default VTEP route,
/// and sometimes a DROP sub-block and a LOCAL /32 to one of the card's vNICs; every ACL set filled with
/// random rules (direction, protocol, prefixes, port ranges), usually closed by allow-all rules so that
/// enough traffic passes; random idle and close timeouts on the external tick, and half the time an MTU below
/// the card's largest. Deterministic for a seed.
/// </summary>
public static class RandomTopology
{
    private static readonly ushort[] Services = { 22, 53, 80, 443, 8080, 9000 };

    /// <summary>
    /// A random topology for a card with <paramref name="info"/>'s sizes; with <paramref name="feGroups"/> &gt; 0
    /// (the card's FE_GROUP_ENTRIES) usually also Nezha roles: FE groups of remote VTEPs, some of the VMs
    /// offloaded to them (BE or DRAIN), FE copies of other BEs' vNICs on free slots, random probe timing.
    /// </summary>
    public static Topology Create(int seed, NicInfo info, int feGroups = 0)
    {
        var rnd = new Random(seed);
        var macs = new HashSet<ulong>();
        var vteps = new HashSet<uint>();

        ulong Mac()
        {
            while (true)
            {
                // unicast (I/G bit clear): the first octet is bits 47:40
                ulong m = (ulong)rnd.NextInt64(1L << 48) & ~0x0100_0000_0000UL;
                if (m != 0 && macs.Add(m)) return m;
            }
        }
        uint UnicastIp()
        {
            while (true)
            {
                uint a = (uint)rnd.NextInt64(1L << 32);
                uint first = a >> 24;
                if (first != 0 && first != 127 && first < 224) return a;
            }
        }
        uint Vtep()
        {
            while (true)
            {
                uint a = UnicastIp();
                if (vteps.Add(a)) return a;
            }
        }

        ulong nic = Mac(), nextHop = Mac(), gw = Mac();
        uint localVtep = Vtep();

        // VPCs
        int nVpc = rnd.Next(2, 4);
        var vpcs = new Dictionary<uint, (uint Prefix, int Len)>();
        var vnis = new List<uint>();
        while (vnis.Count < nVpc)
        {
            uint vni = (uint)rnd.Next(1, 1 << 24);
            if (vpcs.ContainsKey(vni)) continue;
            (uint, int) block;
            if (vnis.Count > 0 && rnd.Next(2) == 0)
                block = vpcs[vnis[0]];                      // overlapping address space
            else
            {
                int len = rnd.Next(16, 29);
                block = (UnicastIp() & NetFormat.PrefixMask(len), len);
            }
            vpcs[vni] = block;
            vnis.Add(vni);
        }

        var used = new HashSet<(uint Vni, uint Ip)>();
        uint Host(uint vni)
        {
            var (prefix, len) = vpcs[vni];
            uint span = 1u << (32 - len);
            while (true)
            {
                uint ip = prefix | (uint)rnd.NextInt64(2, span - 1);   // not the block address, gateway or broadcast
                if (used.Add((vni, ip))) return ip;
            }
        }

        // local VMs on random vNIC slots, every VPC gets at least one
        int nVm = Math.Min(info.NVnic, rnd.Next(3, 9));
        var slots = Enumerable.Range(0, info.NVnic).OrderBy(_ => rnd.Next()).Take(nVm).ToArray();
        var vms = new LocalVm[nVm];
        for (int i = 0; i < nVm; i++)
        {
            uint vni = vnis[i < vnis.Count ? i : rnd.Next(vnis.Count)];
            vms[i] = new LocalVm(slots[i], vni, Mac(), Host(vni), vpcs[vni].Prefix + 1, rnd.Next(info.AclSets));
        }

        // remote VMs behind 2-4 remote VTEPs
        var remoteVteps = Enumerable.Range(0, rnd.Next(2, 5)).Select(_ => Vtep()).ToArray();
        var remotes = new List<RemoteVm>();
        foreach (uint vni in vnis)
            for (int i = rnd.Next(1, 5); i > 0; i--)
                remotes.Add(new RemoteVm(vni, Mac(), Host(vni), remoteVteps[rnd.Next(remoteVteps.Length)],
                                         rnd.Next(3) == 0 ? TunnelType.Geneve : TunnelType.Vxlan));

        // routes, and the "other" destinations they make interesting
        uint internet = Vtep();
        var routes = new List<RouteEntry>();
        var outside = new List<(uint, uint)>();
        foreach (uint vni in vnis)
        {
            var (prefix, len) = vpcs[vni];
            routes.Add(new RouteEntry(true, vni, prefix, len, RouteType.Mapped, 0));
            routes.Add(new RouteEntry(true, vni, 0, 0, RouteType.Vtep, internet,
                                      rnd.Next(2) == 0 ? TunnelType.Geneve : TunnelType.Vxlan));
            outside.Add((prefix, prefix | ~NetFormat.PrefixMask(len)));                 // in the block, mostly unmapped
            uint far = UnicastIp();
            outside.Add((far, far));                                          // the internet
            if (rnd.Next(3) > 0 && len < 32)
            {
                int dlen = Math.Min(32, len + rnd.Next(1, 5));
                uint dp = (prefix | (uint)rnd.NextInt64(1L << (32 - len))) & NetFormat.PrefixMask(dlen);
                routes.Add(new RouteEntry(true, vni, dp, dlen, RouteType.Drop, 0));
                outside.Add((dp, dp | ~NetFormat.PrefixMask(dlen)));
            }
            var sameVpc = vms.Where(v => v.Vni == vni).ToArray();
            if (rnd.Next(2) == 0 && sameVpc.Length > 0)
            {
                uint dst = UnicastIp();
                routes.Add(new RouteEntry(true, vni, dst, 32, RouteType.Local, (uint)sameVpc[rnd.Next(sameVpc.Length)].Vnic));
                outside.Add((dst, dst));
            }
        }
        if (routes.Count > info.Routes) routes.RemoveRange(info.Routes, routes.Count - info.Routes);

        // ACL sets
        var addresses = vms.Select(v => v.Ip).Concat(remotes.Select(r => r.Ip)).ToArray();
        var sets = new AclRule[info.AclSets][];
        for (int s = 0; s < sets.Length; s++)
        {
            int n = Math.Min(info.AclRules, rnd.Next(1, 11));
            var rules = new List<AclRule>();
            for (int i = 0; i < n; i++) rules.Add(RandomRule(rnd, addresses));
            if (rnd.Next(4) > 0)
                foreach (var dir in new[] { AclDirection.Egress, AclDirection.Ingress })
                    if (rules.Count < info.AclRules)
                        rules.Add(new AclRule(true, dir, true, 0, 0, 0, 0, 0, 0, 65535, 0, 65535));
            sets[s] = rules.ToArray();
        }

        // Nezha roles
        var groups = Array.Empty<uint[]>();
        var offloaded = new List<OffloadedVnic>();
        var copies = new List<FeCopy>();
        (int, int)? probe = null;
        if (feGroups > 0 && rnd.Next(4) > 0)
        {
            groups = new uint[rnd.Next(1, Math.Min(feGroups, 3) + 1)][];
            for (int g = 0; g < groups.Length; g++)
                groups[g] = Enumerable.Range(0, rnd.Next(0, 5))
                                      .Select(_ => rnd.Next(3) > 0 ? remoteVteps[rnd.Next(remoteVteps.Length)] : Vtep())
                                      .Distinct().ToArray();
            foreach (var vm in vms.OrderBy(_ => rnd.Next()).Take(rnd.Next(1, Math.Max(2, nVm / 2) + 1)))
                offloaded.Add(new OffloadedVnic(vm, rnd.Next(groups.Length), (byte)rnd.Next(256), rnd.Next(5) == 0, rnd.Next(2) == 0));
            var free = Enumerable.Range(0, info.NVnic).Except(vms.Select(v => v.Vnic)).OrderBy(_ => rnd.Next()).ToArray();
            for (int i = 0; i < Math.Min(free.Length, rnd.Next(1, 3)); i++)
            {
                uint vni = vnis[rnd.Next(vnis.Count)];
                var copy = new LocalVm(free[i], vni, Mac(), Host(vni), vpcs[vni].Prefix + 1, rnd.Next(info.AclSets));
                copies.Add(new FeCopy(copy, rnd.Next(256), remoteVteps[rnd.Next(remoteVteps.Length)], (byte)rnd.Next(256)));
            }
            if (rnd.Next(2) == 0)
            {
                int interval = rnd.Next(1, 20);
                probe = (interval, interval * rnd.Next(2, 5));
            }
        }

        return new Topology
        {
            FeGroups = groups,
            Offloaded = offloaded.ToArray(),
            FeCopies = copies.ToArray(),
            ProbeTiming = probe,
            // external tick: time moves only with tick_in pulses between frames, so that no probe round (and
            // no aging) can fall inside a counter comparison (docs/verification.md)
            TickCycles = 0,
            Mtu = rnd.Next(2) == 0 ? null : rnd.Next(576, info.MtuMax + 1),
            IdleTimeout = rnd.Next(20, 1001),
            CloseTimeout = rnd.Next(1, 101),
            Nic = nic,
            NextHop = nextHop,
            Gw = gw,
            LocalVtep = localVtep,
            Vms = vms,
            Remotes = remotes.ToArray(),
            Routes = routes.ToArray(),
            AclSets = sets,
            Vpcs = vpcs,
            Outside = outside.ToArray(),
        };
    }

    private static AclRule RandomRule(Random rnd, uint[] addresses)
    {
        var dir = rnd.Next(2) == 0 ? AclDirection.Ingress : AclDirection.Egress;
        bool allow = rnd.Next(10) < 7;
        byte proto = rnd.Next(6) switch
        {
            0 or 1 => 0,
            2 => IpProto.Tcp,
            3 => IpProto.Udp,
            4 => IpProto.Icmp,
            _ => (byte)rnd.Next(256),
        };
        (uint, int) Prefix()
        {
            if (rnd.Next(2) == 0) return (0, 0);
            int len = rnd.Next(1, 33);
            uint a = rnd.Next(3) > 0 ? addresses[rnd.Next(addresses.Length)] : (uint)rnd.NextInt64(1L << 32);
            return (a & NetFormat.PrefixMask(len), len);
        }
        (ushort, ushort) Ports()
        {
            switch (rnd.Next(4))
            {
                case 0: return (0, 65535);
                case 1: { ushort p = Services[rnd.Next(Services.Length)]; return (p, p); }
                default:
                {
                    int a = rnd.Next(65536), b = rnd.Next(65536);
                    return ((ushort)Math.Min(a, b), (ushort)Math.Max(a, b));
                }
            }
        }
        var (src, srcLen) = Prefix();
        var (dst, dstLen) = Prefix();
        var (spLo, spHi) = Ports();
        var (dpLo, dpHi) = Ports();
        return new AclRule(rnd.Next(20) > 0, dir, allow, proto, src, srcLen, dst, dstLen, spLo, spHi, dpLo, dpHi);
    }
}
