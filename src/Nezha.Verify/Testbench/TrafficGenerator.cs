using static Nezha.Verify.Testbench.FrameBuilder;

namespace Nezha.Verify.Testbench;

/// <summary>One generated frame and the input port and tuser it enters with.</summary>
public readonly record struct GeneratedFrame(int Port, byte[] Frame, uint TUser, string Kind);

/// <summary>
/// Constrained-random traffic over a <see cref="Topology"/>: TCP/UDP/ICMP flows started by local VMs
/// (to remote, local and internet destinations, some of them dropped by routes), inbound flows from remote
/// VMs over VXLAN and Geneve (allowed and denied ports), replies of earlier flows, ARP requests, and a share
/// of damaged frames (truncated, bit-flipped, receive errors, oversize, unknown vNIC ids).
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
                _ => 0x0A000000u | (uint)_rnd.Next(256),
            };
            return new(1, _t.ArpRequest(vm, target), (uint)vm.Vnic, "arp");
        }
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
            uint dst = _rnd.Next(3) switch { 0 => Ip("8.8.8.8"), 1 => Ip("10.0.0.200"), _ => 0x0A000000u | (uint)_rnd.Next(30, 120) };
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
            ushort? vlan = _rnd.Next(30) == 0 ? (ushort)_rnd.Next(1, 4095) : null;
            var frame = Ethernet(_t.Gw, vm.Mac, 0x0800, Ipv4(vm.Ip, f.PeerIp, f.Proto, l4), vlan);
            return new(1, frame, (uint)vm.Vnic, "from-vm");
        }
        var rem = f.Remote;
        var inner = Ethernet(vm.Mac, rem.Mac, 0x0800, Ipv4(rem.Ip, vm.Ip, f.Proto, L4(f, f.PeerPort, f.VmPort, false)));
        byte[] outer = _rnd.Next(5) == 0
            ? Geneve(_t.Nic, _t.NextHop, rem.Vtep, _t.LocalVtep, rem.Vni, inner, Payload(4 * _rnd.Next(0, 5), 9))
            : Vxlan(_t.Nic, _t.NextHop, rem.Vtep, _t.LocalVtep, rem.Vni, inner, (ushort)_rnd.Next(49152, 65535));
        return new(0, outer, 0, "from-remote");
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
