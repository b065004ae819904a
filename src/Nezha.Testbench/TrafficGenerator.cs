using static Nezha.Verify.Testbench.FrameBuilder;

namespace Nezha.Verify.Testbench;

/// <summary>One generated frame and the input port and tuser it enters with.</summary>
public readonly record struct GeneratedFrame(int Port, byte[] Frame, uint TUser, string Kind);

/// <summary>
/// Constrained-random traffic over a <see cref="Topology"/>: TCP/UDP/ICMP flows started by local VMs
/// (to remote, local and internet destinations, some of them dropped by routes), inbound flows from remote
/// VMs over VXLAN and Geneve (allowed and denied ports), replies of earlier flows, ARP requests, and a share
/// of damaged frames (truncated, bit-flipped, receive errors, oversize, unknown vNIC ids). Valid frames carry
/// random ECN marks (outer and inner), sometimes an Ethernet trailer; a few go to multicast or broadcast
/// addresses, come from a VTEP that does not host their source, or reach the card under another MAC.
/// Deterministic for a seed.
/// </summary>
public sealed class TrafficGenerator
{
    private readonly Topology _t;
    private readonly Random _rnd;
    private readonly int _vnicWidth;
    private readonly int _mtuMax;
    private readonly List<Flow> _flows = new();

    private sealed record Flow(LocalVm Vm, uint PeerIp, RemoteVm? Remote, LocalVm? LocalPeer, byte Proto, ushort VmPort, ushort PeerPort, bool VmInitiated);

    public TrafficGenerator(Topology t, int seed, int vnicWidth, int mtuMax)
    {
        _t = t;
        _rnd = new Random(seed);
        _vnicWidth = vnicWidth;
        _mtuMax = mtuMax;
    }

    /// <summary>Share of damaged frames (0..1).</summary>
    public double DamagedShare { get; init; } = 0.08;

    /// <summary>Largest payload of ordinary frames; jumbo frames are rarer still.</summary>
    public int MaxPayload { get; init; } = 1400;

    public GeneratedFrame Next()
    {
        var g = NextValid();
        if (_rnd.NextDouble() < DamagedShare) g = Damage(g);
        return g;
    }

    private GeneratedFrame NextValid()
    {
        double r = _rnd.NextDouble();
        if (r < 0.04)
        {
            var vm = PickVm();
            uint target = _rnd.Next(4) switch
            {
                0 => vm.Gateway,
                1 => _t.Vms[_rnd.Next(_t.Vms.Length)].Ip,
                2 => _t.Remotes[_rnd.Next(_t.Remotes.Length)].Ip,
                _ => _t.RandomInVpc(vm.Vni, _rnd),
            };
            return new(1, _t.ArpRequest(vm, target), (uint)vm.Vnic, "arp");
        }
        if (r < 0.10 && (_t.FeCopies.Length > 0 || _t.Offloaded.Length > 0)) return Context();
        Flow f = _flows.Count > 0 && _rnd.NextDouble() < 0.7 ? _flows[_rnd.Next(_flows.Count)] : NewFlow();
        bool fromVm = f.VmInitiated ? _rnd.NextDouble() < 0.6 : _rnd.NextDouble() < 0.4;
        return Build(f, fromVm);
    }

    private LocalVm PickVm() => _t.Vms[_rnd.Next(_t.Vms.Length)];

    private Flow NewFlow()
    {
        var vm = PickVm();
        byte proto = _rnd.Next(10) switch { < 6 => IpProto.Tcp, < 9 => IpProto.Udp, _ => IpProto.Icmp };
        ushort vmPort = (ushort)_rnd.Next(1024, 65535);
        ushort[] services = { 22, 80, 443, 53, 8080, 9000 };
        ushort peerPort = services[_rnd.Next(services.Length)];
        Flow f;
        int kind = _rnd.Next(10);
        var remotes = _t.Remotes.Where(x => x.Vni == vm.Vni).ToArray();
        if (kind < 6 && remotes.Length > 0)
        {
            var rem = remotes[_rnd.Next(remotes.Length)];
            f = new Flow(vm, rem.Ip, rem, null, proto, vmPort, peerPort, VmInitiated: kind < 4);
        }
        else if (kind < 8)
        {
            var peers = _t.Vms.Where(x => x.Vni == vm.Vni && x != vm).ToArray();
            var p = peers.Length > 0 ? peers[_rnd.Next(peers.Length)] : vm;
            f = new Flow(vm, p.Ip, null, p, proto, vmPort, peerPort, true);
        }
        else
        {
            uint dst = _t.RandomOutside(_rnd);
            f = new Flow(vm, dst, null, null, proto, vmPort, peerPort, true);
        }
        if (_flows.Count < 20000) _flows.Add(f); else _flows[_rnd.Next(_flows.Count)] = f;
        return f;
    }

    private int PayloadLength()
    {
        double r = _rnd.NextDouble();
        if (r < 0.55) return _rnd.Next(0, 64);
        if (r < 0.85) return _rnd.Next(64, 512);
        if (r < 0.995) return _rnd.Next(512, MaxPayload);
        return _rnd.Next(1500, Math.Max(1501, _mtuMax - 120));
    }

    private byte TcpFlagsFor() => _rnd.Next(20) switch
    {
        < 4 => TcpFlags.Syn,
        < 6 => TcpFlags.Syn | TcpFlags.Ack,
        < 16 => TcpFlags.Ack | TcpFlags.Psh,
        < 19 => TcpFlags.Fin | TcpFlags.Ack,
        _ => TcpFlags.Rst,
    };

    private byte[] L4(Flow f, ushort sport, ushort dport, bool fromVm)
    {
        var pl = Payload(PayloadLength(), _rnd.Next(256));
        return f.Proto switch
        {
            IpProto.Tcp => Tcp(sport, dport, TcpFlagsFor(), pl),
            IpProto.Udp => Udp(sport, dport, pl),
            _ => IcmpEcho(fromVm == f.VmInitiated, f.VmPort, (ushort)_rnd.Next(65536), pl),
        };
    }

    private GeneratedFrame Build(Flow f, bool fromVm)
    {
        var vm = f.Vm;
        if (fromVm || f.Remote is null)
        {
            if (f.LocalPeer is { } lp && !fromVm)
            {
                // the local peer answers
                var l4r = L4(f, f.PeerPort, f.VmPort, false);
                var fr = Ethernet(_t.Gw, lp.Mac, 0x0800, Ipv4(lp.Ip, vm.Ip, f.Proto, l4r));
                return new(1, fr, (uint)lp.Vnic, "vm-local-reply");
            }
            var l4 = L4(f, f.VmPort, f.PeerPort, true);
            ushort? vlan = _rnd.Next(60) == 0 ? (ushort)_rnd.Next(1, 4095) : null;   // refused: vNICs are untagged
            uint dst = _rnd.Next(100) == 0 ? Multicast() : f.PeerIp;
            var frame = Ethernet(_t.Gw, vm.Mac, 0x0800, WithEcn(Ipv4(vm.Ip, dst, f.Proto, l4)), vlan);
            return new(1, Trailer(frame), (uint)vm.Vnic, "from-vm");
        }
        var rem = f.Remote;
        var inner = Ethernet(vm.Mac, rem.Mac, 0x0800, WithEcn(Ipv4(rem.Ip, vm.Ip, f.Proto, L4(f, f.PeerPort, f.VmPort, false))));
        uint srcVtep = _rnd.Next(40) == 0 ? _t.Remotes[_rnd.Next(_t.Remotes.Length)].Vtep : rem.Vtep;   // an impostor, at times
        ulong toMac = _rnd.Next(100) == 0 ? _t.NextHop : _t.Nic;                                         // misdelivered, rarely
        byte[] outer = _rnd.Next(5) == 0
            ? Geneve(toMac, _t.NextHop, srcVtep, _t.LocalVtep, rem.Vni, Trailer(inner), Payload(4 * _rnd.Next(0, 5), 9))
            : Vxlan(toMac, _t.NextHop, srcVtep, _t.LocalVtep, rem.Vni, Trailer(inner), (ushort)_rnd.Next(49152, 65535));
        WithEcn(outer.AsSpan(14));
        return new(0, Trailer(outer), 0, "from-remote");
    }

    /// <summary>The IPv4 packet (header at offset 0) with random ECN and DSCP one time in three (checksum kept valid).</summary>
    private byte[] WithEcn(byte[] ip)
    {
        WithEcn(ip.AsSpan());
        return ip;
    }

    private void WithEcn(Span<byte> ip)
    {
        if (_rnd.Next(3) != 0) return;
        ip[1] = (byte)_rnd.Next(256);
        int ihl = (ip[0] & 0x0F) * 4;
        ip[10] = ip[11] = 0;
        ushort c = Checksum(ip[..ihl]);
        ip[10] = (byte)(c >> 8);
        ip[11] = (byte)c;
    }

    /// <summary>The frame with an Ethernet trailer (bytes after the IP packet) one time in twenty.</summary>
    private byte[] Trailer(byte[] frame) =>
        _rnd.Next(20) == 0 ? [.. frame, .. Payload(_rnd.Next(1, 24), _rnd.Next(256))] : frame;

    private uint Multicast() => _rnd.Next(3) switch
    {
        0 => 0xE000_00FBu,                           // 224.0.0.251 (mDNS)
        1 => 0xFFFF_FFFFu,                           // limited broadcast
        _ => 0xE000_0000u | (uint)_rnd.Next(1 << 29), // anywhere in 224.0.0.0/3
    };

    // ------------------------------------------------------------------ Nezha context packets (net port)

    /// <summary>
    /// A context packet for the card's Nezha roles: a REQUEST to one of its FE copies, a VERDICT for one of its
    /// offloaded vNICs, a PROBE or PROBE_REPLY, or a malformed option. Each identity field (sender, vNIC,
    /// version, VNI, BE id, inner addresses) is wrong one time in six, so every acceptance check is exercised
    /// on both sides; the flows reuse a small port pool so that verdicts hit sessions they inserted.
    /// </summary>
    private GeneratedFrame Context()
    {
        int k = _rnd.Next(12);
        if (k < 5 && _t.FeCopies.Length > 0) return Request(_t.FeCopies[_rnd.Next(_t.FeCopies.Length)]);
        if (k < 10 && _t.Offloaded.Length > 0) return VerdictFor(_t.Offloaded[_rnd.Next(_t.Offloaded.Length)]);
        if (k == 10) return Probe();
        return MalformedContext();
    }

    private bool Off() => _rnd.Next(6) == 0;
    private uint AnyIp() => (uint)_rnd.NextInt64(1L << 32);
    private ushort PoolPort() => (ushort)(40000 + _rnd.Next(24));

    private byte[] InnerIp(uint src, uint dst)
    {
        byte proto = _rnd.Next(8) switch { < 5 => IpProto.Tcp, < 7 => IpProto.Udp, _ => IpProto.Icmp };
        ushort a = PoolPort(), b = (ushort)(_rnd.Next(2) == 0 ? 80 : 22);
        var pl = Payload(_rnd.Next(0, 200), _rnd.Next(256));
        byte[] l4 = proto switch
        {
            IpProto.Tcp => Tcp(a, b, TcpFlagsFor(), pl),
            IpProto.Udp => Udp(a, b, pl),
            _ => IcmpEcho(_rnd.Next(2) == 0, a, (ushort)_rnd.Next(65536), pl),
        };
        return Ipv4(src, dst, proto, l4);
    }

    private RemoteVm PickRemote(uint vni)
    {
        var same = _t.Remotes.Where(r => r.Vni == vni).ToArray();
        return same.Length > 0 && !Off() ? same[_rnd.Next(same.Length)] : _t.Remotes[_rnd.Next(_t.Remotes.Length)];
    }

    private GeneratedFrame ContextPacket(uint src, uint vni, byte[] option, byte[] inner, string kind) =>
        new(0, ContextPackets.Packet(_t.Nic, _t.NextHop, src, _t.LocalVtep, vni, option, inner), 0, kind);

    private GeneratedFrame Request(FeCopy c)
    {
        var vm = c.Copy;
        uint src = Off() ? AnyIp() : c.BeVtep;
        int vnic = Off() ? _rnd.Next(256) : c.BeVnic;
        int version = Off() ? _rnd.Next(256) : c.Version;
        uint vni = Off() ? (uint)_rnd.Next(1 << 24) : vm.Vni;
        uint beId = Off() ? AnyIp() : c.BeVtep;
        if (_rnd.Next(2) == 0)
        {
            // egress: the copy's VM to a peer (spoofed source one time in six)
            uint dst = _rnd.Next(3) switch { 0 => PickRemote(vm.Vni).Ip, 1 => _t.RandomOutside(_rnd), _ => _t.RandomInVpc(vm.Vni, _rnd) };
            var inner = Ethernet(_t.Gw, Off() ? (ulong)_rnd.NextInt64(1L << 47) : vm.Mac, 0x0800,
                                 InnerIp(Off() ? AnyIp() : vm.Ip, dst));
            return ContextPacket(src, vni, ContextPackets.Option(ContextPackets.Request, 1 | (_rnd.Next(4) == 0 ? 2 : 0), vnic, version, beId),
                                 inner, "ctx-request");
        }
        var rem = PickRemote(vm.Vni);
        int tun = _rnd.Next(2);
        var inIn = Ethernet(vm.Mac, rem.Mac, 0x0800, InnerIp(rem.Ip, vm.Ip));
        return ContextPacket(src, vni, ContextPackets.Option(ContextPackets.Request, tun << 1, vnic, version, beId, rem.Vtep),
                             inIn, "ctx-request");
    }

    private GeneratedFrame VerdictFor(OffloadedVnic o)
    {
        var vm = o.Vm;
        var members = _t.FeGroups[o.Group];
        uint src = members.Length > 0 && !Off() ? members[_rnd.Next(members.Length)] : AnyIp();
        int vnic = Off() ? _rnd.Next(256) : vm.Vnic;
        int version = Off() ? _rnd.Next(256) : o.Version;
        uint vni = Off() ? (uint)_rnd.Next(1 << 24) : vm.Vni;
        uint beId = Off() ? AnyIp() : _t.LocalVtep;
        if (_rnd.Next(2) == 0)
        {
            // egress verdict: ENCAP to a remote VM, or a hairpin to one of the card's VMs (VTEP = this card)
            uint dstIp, vtep;
            ulong mac;
            if (_rnd.Next(5) == 0)
            {
                var peer = _t.Vms[_rnd.Next(_t.Vms.Length)];
                (dstIp, vtep, mac) = (peer.Ip, _t.LocalVtep, Off() ? (ulong)_rnd.NextInt64(1L << 47) : peer.Mac);
            }
            else
            {
                var rem = PickRemote(vm.Vni);
                (dstIp, vtep, mac) = (rem.Ip, rem.Vtep, rem.Mac);
            }
            int act = _rnd.Next(8) == 0 ? _rnd.Next(256) : 2 + _rnd.Next(2);
            var inner = Ethernet(_t.Gw, vm.Mac, 0x0800, InnerIp(vm.Ip, dstIp));
            return ContextPacket(src, vni, ContextPackets.Option(ContextPackets.Verdict, 1, vnic, version, beId, vtep, mac, act),
                                 inner, "ctx-verdict");
        }
        var r = PickRemote(vm.Vni);
        var inIn = Ethernet(vm.Mac, r.Mac, 0x0800, InnerIp(r.Ip, vm.Ip));
        return ContextPacket(src, vni, ContextPackets.Option(ContextPackets.Verdict, _rnd.Next(2) << 1, vnic, version, beId, r.Vtep),
                             inIn, "ctx-verdict");
    }

    private GeneratedFrame Probe()
    {
        var members = _t.FeGroups.SelectMany(g => g).ToArray();
        bool reply = members.Length > 0 && _rnd.Next(2) == 0;
        uint src = reply && !Off() ? members[_rnd.Next(members.Length)] : AnyIp();
        var opt = ContextPackets.Option(reply ? ContextPackets.ProbeReply : ContextPackets.Probe, 0, 0, 0,
                                       reply ? _t.LocalVtep : src, (uint)_rnd.Next(65536));
        return ContextPacket(src, 0, opt, Ethernet(0, 0, 0x0800, ReadOnlySpan<byte>.Empty), reply ? "ctx-probe-reply" : "ctx-probe");
    }

    private GeneratedFrame MalformedContext()
    {
        int kind = _rnd.Next(3) switch { 0 => 0, 1 => _rnd.Next(5, 256), _ => 1 + _rnd.Next(4) };
        byte len = kind is >= 1 and <= 4 ? (byte)(_rnd.Next(2) == 0 ? _rnd.Next(0, 5) : _rnd.Next(6, 32)) : (byte)5;
        var vm = _t.Vms[_rnd.Next(_t.Vms.Length)];
        var opt = ContextPackets.Option(kind, _rnd.Next(256), _rnd.Next(256), _rnd.Next(256), AnyIp(), AnyIp(),
                                       (ulong)_rnd.NextInt64(1L << 48), _rnd.Next(256), len);
        var inner = Ethernet(vm.Mac, _t.Remotes[0].Mac, 0x0800, InnerIp(_t.Remotes[0].Ip, vm.Ip));
        return ContextPacket(AnyIp(), vm.Vni, opt, inner, "ctx-malformed");
    }

    private GeneratedFrame Damage(GeneratedFrame g)
    {
        var f = g.Frame;
        switch (_rnd.Next(7))
        {
            case 0: // truncate anywhere
                return g with { Frame = f[..Math.Max(1, _rnd.Next(f.Length))], Kind = "truncated" };
            case 1:
            case 2: // flip a header byte
            {
                var c = (byte[])f.Clone();
                int at = _rnd.Next(Math.Min(c.Length, 100));
                c[at] ^= (byte)(1 << _rnd.Next(8));
                return g with { Frame = c, Kind = "bitflip" };
            }
            case 3: // receive error
                return g with { TUser = g.TUser | (1u << _vnicWidth), Kind = "rx-error" };
            case 4: // unknown or disabled vNIC id
                return g.Port == 1 ? g with { TUser = (uint)_rnd.Next(1 << _vnicWidth), Kind = "vnic-id" } : g;
            case 5: // oversize
            {
                var big = new byte[_mtuMax + 1 + _rnd.Next(64)];
                f.CopyTo(big, 0);
                return g with { Frame = big, Kind = "oversize" };
            }
            default: // garbage
            {
                var junk = new byte[_rnd.Next(1, 200)];
                _rnd.NextBytes(junk);
                return g with { Frame = junk, Kind = "garbage" };
            }
        }
    }
}
