using System.Buffers.Binary;
using System.Text;
using Nezha.Common.Registers;
using Nezha.Verify.Model;
using Nezha.Verify.ModuleBench;
using Nezha.Verify.Testbench;
using NUnit.Framework;

namespace Nezha.Tests.Modules;

/// <summary>
/// rtl/hdr_parser.v (HDR_BYTES = 128) against the golden model's parse steps (FrameParser: Ethernet, Ipv4,
/// L4, Tunnel, Arp) sequenced in hdr_parser's output contract (docs/rtl-interfaces.md): directed frames plus
/// seeded random mutations / truncations of valid frames on both ports, one frame per cycle with random
/// gaps; out_valid must pulse exactly three cycles after in_valid and the parse record must agree on every
/// field that is defined for the outcome.
/// </summary>
public class HdrParserBench
{
    private const int HdrBytes = 128;
    private const int Net = ModelFrame.Net, Host = ModelFrame.Host;
    private static readonly uint Vtep = Topology.Vtep;

    // ------------------------------------------------------------------ expected record (model adapter)

    /// <summary>What hdr_parser must report, built from the model's FrameParser steps.</summary>
    private sealed class Expected
    {
        public DropReason Drop;
        public ExceptionReason Exc;
        public bool Frag, Arp, L4Drop;
        public DropReason L4Reason;
        public PacketInfo Pi;
        public bool Ctx;                 // a well-formed Nezha context (docs/nezha-offload.md section 3)
        public ContextOption Option;
        public int InnerLen;             // 14 + inner IPv4 total length (REQUEST / VERDICT)
        public byte[] IpHead = new byte[12]; // first 12 bytes of the plain / inner IPv4 header

        public string Kind => Drop != DropReason.None ? $"drop {Drop}"
            : Exc != ExceptionReason.None ? $"exc {Exc}"
            : Arp ? "arp" : Frag ? "frag" : L4Drop ? $"l4 {L4Reason}" : Ctx ? $"ctx {Option.Kind}" : "ok";
    }

    /// <summary>
    /// The model's steps in hdr_parser's order: RUNT; Ethernet (a tag only on the net port); host: ARP or IPv4
    /// (+ NOT_UNICAST, + fragment flag, + L4 for non-fragments, its failure reported separately); net:
    /// UNDERLAY/FRAGMENT exceptions, tunnel (NOT_MY_MAC, BAD_UDP_LEN, O bit), inner Ethernet/IPv4, inner
    /// fragment exception, NOT_UNICAST, ECN_DROP, inner L4 (failure reported separately). No vNIC-table checks.
    /// </summary>
    private static Expected ModelParse(byte[] frame, int port, uint vtep)
    {
        var e = new Expected();
        int len = frame.Length;
        if (len < 14) { e.Drop = DropReason.Runt; return e; }
        var fp = new FrameParser(frame, HdrBytes);
        var pi = new PacketInfo { Len = len };
        var r = fp.Ethernet(0, len, allowTag: port == Net, ref pi);
        if (r != DropReason.None) { e.Drop = r; return e; }
        if (port == Host)
        {
            if (pi.EtherType == FrameParser.EtherTypeArp)
            {
                r = fp.Arp(ref pi);
                if (r != DropReason.None) { e.Drop = r; return e; }
                e.Arp = true;
                e.Pi = pi;
                return e;
            }
            if (pi.EtherType != FrameParser.EtherTypeIpv4) { e.Drop = DropReason.Unsupported; return e; }
            r = fp.Ipv4(pi.L3Off, len, ref pi);
            if (r != DropReason.None) { e.Drop = r; return e; }
            if (pi.Dip >= 0xE000_0000u) { e.Drop = DropReason.NotUnicast; return e; }
            pi.Ecn = pi.Tos & 3;
            frame.AsSpan(pi.L3Off, 12).CopyTo(e.IpHead);
            if (pi.Frag) { e.Frag = true; e.Pi = pi; return e; }
            r = fp.L4(ref pi);
            if (r != DropReason.None) { e.L4Drop = true; e.L4Reason = r; }
            e.Pi = pi;
            return e;
        }
        if (pi.EtherType == FrameParser.EtherTypeArp) { e.Exc = ExceptionReason.Underlay; return e; }
        if (pi.EtherType != FrameParser.EtherTypeIpv4) { e.Drop = DropReason.Unsupported; return e; }
        r = fp.Ipv4(pi.L3Off, len, ref pi);
        if (r != DropReason.None) { e.Drop = r; return e; }
        if (pi.Frag) { e.Exc = ExceptionReason.Fragment; return e; }
        if (pi.Proto != FrameParser.ProtoUdp || pi.Dip != vtep) { e.Exc = ExceptionReason.Underlay; return e; }
        pi.OuterSip = pi.Sip;
        int outerEcn = pi.Tos & 3;
        r = fp.Tunnel(ref pi, Topology.NicMac, out bool underlay, out int innerEth);
        if (r != DropReason.None) { e.Drop = r; return e; }
        if (underlay) { e.Exc = ExceptionReason.Underlay; return e; }
        if (pi.Geneve && ContextOption.TryParse(frame.AsSpan(pi.GeneveOptOff), pi.GeneveOptWords, out var ctx, out bool bad))
        {
            if (bad) { e.Drop = DropReason.CtxBad; return e; }
            e.Ctx = true;
            e.Option = ctx;
            if (ctx.Kind is ContextKind.Probe or ContextKind.ProbeReply) { e.Pi = pi; return e; }
        }
        int outerEnd = pi.UdpEnd;
        r = fp.Ethernet(innerEth, outerEnd, allowTag: false, ref pi);
        if (r != DropReason.None) { e.Drop = r; return e; }
        if (pi.EtherType != FrameParser.EtherTypeIpv4) { e.Drop = DropReason.Unsupported; return e; }
        r = fp.Ipv4(pi.L3Off, outerEnd, ref pi);
        if (r != DropReason.None) { e.Drop = r; return e; }
        if (pi.Frag) { e.Exc = ExceptionReason.Fragment; return e; }
        if (pi.Dip >= 0xE000_0000u) { e.Drop = DropReason.NotUnicast; return e; }
        int innerEcn = pi.Tos & 3;
        if (outerEcn == 3 && innerEcn == 0) { e.Drop = DropReason.EcnDrop; return e; }
        // RFC 6040 4.2, written out independently of the model's helper
        pi.Ecn = outerEcn switch { 3 => 3, 1 when innerEcn == 2 => 1, _ => innerEcn };
        frame.AsSpan(pi.L3Off, 12).CopyTo(e.IpHead);
        e.InnerLen = 14 + pi.IpEnd - pi.L3Off;
        r = fp.L4(ref pi);
        if (r != DropReason.None) { e.L4Drop = true; e.L4Reason = r; }
        e.Pi = pi;
        return e;
    }

    /// <summary>Compares the module's outputs (after out_valid) with the expectation; returns the differences.</summary>
    private static string? Compare(ModuleSim m, int port, Expected e)
    {
        var sb = new StringBuilder();
        void Chk(string name, ulong want)
        {
            ulong got = m.Get(name);
            if (got != want) sb.Append($" {name}={got:X} (model {want:X})");
        }
        Chk("p_drop", e.Drop != DropReason.None ? 1UL : 0UL);
        if (e.Drop != DropReason.None)
        {
            Chk("p_drop_reason", (ulong)e.Drop);
            return sb.Length == 0 ? null : sb.ToString();
        }
        Chk("p_exc", e.Exc != ExceptionReason.None ? 1UL : 0UL);
        if (e.Exc != ExceptionReason.None)
        {
            Chk("p_exc_reason", (ulong)e.Exc);
            return sb.Length == 0 ? null : sb.ToString();
        }
        var pi = e.Pi;
        Chk("p_ctx", e.Ctx ? 1UL : 0UL);
        if (e.Ctx)
        {
            var o = e.Option;
            Chk("p_ctx_kind", (ulong)o.Kind);
            Chk("p_ctx_flags", o.Flags);
            Chk("p_ctx_vnic", o.Vnic);
            Chk("p_ctx_version", o.Version);
            Chk("p_ctx_be_id", o.BeId);
            Chk("p_ctx_vtep", o.Vtep);
            Chk("p_ctx_mac", o.Mac);
            Chk("p_ctx_act", o.Act);
            Chk("p_udp_sport", pi.OuterUdpSport);
            if (o.Kind is ContextKind.Probe or ContextKind.ProbeReply)
            {
                Chk("p_l4_drop", 0);         // no inner frame is looked at
                return sb.Length == 0 ? null : sb.ToString();
            }
            Chk("p_inner_len", (ulong)e.InnerLen);
        }
        Chk("p_frag", e.Frag ? 1UL : 0UL);
        if (!e.Arp)
        {
            Chk("p_ip_end", (ulong)pi.IpEnd);
            Chk("p_ecn", (ulong)pi.Ecn);
            var head = m.GetBytes("p_ip_head");
            if (!head.AsSpan().SequenceEqual(e.IpHead))
                sb.Append($" p_ip_head={Convert.ToHexString(head)} (model {Convert.ToHexString(e.IpHead)})");
        }
        Chk("p_l4_drop", e.L4Drop ? 1UL : 0UL);
        Chk("p_l4_drop_reason", (ulong)e.L4Reason);
        Chk("p_is_arp", e.Arp ? 1UL : 0UL);
        Chk("p_tunnel", port == Net ? 1UL : 0UL);
        Chk("p_geneve", port == Net && pi.Geneve ? 1UL : 0UL);
        Chk("p_vni", port == Net ? pi.Vni : 0UL);
        Chk("p_outer_sip", port == Net ? pi.OuterSip : 0UL);
        Chk("p_eth_dst", pi.EthDst);
        Chk("p_eth_src", pi.EthSrc);
        Chk("p_l3off", (ulong)pi.L3Off);
        if (e.Arp)
        {
            Chk("p_arp_op", pi.ArpOp);
            Chk("p_arp_sha", pi.ArpSha);
            Chk("p_arp_spa", pi.ArpSpa);
            Chk("p_arp_tpa", pi.ArpTpa);
        }
        else
        {
            Chk("p_proto", pi.Proto);
            Chk("p_sip", pi.Sip);
            Chk("p_dip", pi.Dip);
            if (!e.L4Drop)
            {
                // key ports (0 for fragments: L4 is not parsed), TCP flags 0 unless TCP
                Chk("p_sport", pi.KeySport);
                Chk("p_dport", pi.KeyDport);
                Chk("p_tcp_flags", pi.TcpFlags);
            }
        }
        return sb.Length == 0 ? null : sb.ToString();
    }

    // ------------------------------------------------------------------ stimulus

    private sealed record Case(string Name, int Port, byte[] Frame, string? Want = null);

    /// <summary>A generated frame plus the offsets a mutation should aim at.</summary>
    private sealed class Built
    {
        public byte[] F = Array.Empty<byte>();
        public readonly List<int> Ip = new();     // IPv4 header offsets (checksums re-computed after a mutation)
        public readonly List<int> Hot = new();    // bytes that steer the parse (types, lengths, flags, ports)
    }

    private static readonly ulong[] Macs =
    {
        0x020000000A01, 0x020000000A02, 0x0200000001FF, 0xFFFFFFFFFFFF, 0x00005E0053AA, Topology.NicMac, Topology.NextHopMac,
    };

    private static ulong RndMac(Random r) => r.Next(3) == 0 ? ((ulong)r.NextInt64() & 0xFFFFFFFFFFFF) : Macs[r.Next(Macs.Length)];

    private static uint RndIp(Random r) => r.Next(4) switch
    {
        0 => (uint)r.NextInt64(),
        1 => Vtep,
        _ => 0x0A000000u | (uint)r.Next(1 << 12),
    };

    private static readonly ushort[] Ports = { 0, 22, 53, 80, 443, 4789, 6081, 8080, 49152, 65535 };

    private static ushort RndPort(Random r) => r.Next(3) == 0 ? (ushort)r.Next(65536) : Ports[r.Next(Ports.Length)];

    private static byte[] RndBytes(Random r, int n)
    {
        var b = new byte[n];
        r.NextBytes(b);
        return b;
    }

    private static byte[] RndOptions(Random r) => r.Next(4) == 0 ? RndBytes(r, 4 * r.Next(1, 11)) : Array.Empty<byte>();

    /// <summary>Flags/fragment-offset word: a fragment with probability 3/<paramref name="oneIn"/>.</summary>
    private static ushort RndFragWord(Random r, int oneIn) => r.Next(oneIn) switch
    {
        0 => 0x2000,                                   // MF
        1 => (ushort)(r.Next(1, 0x2000)),              // offset
        2 => (ushort)(0x2000 | r.Next(1, 0x2000)),     // both
        3 => 0,
        4 => 0x8000,                                   // reserved bit only: not a fragment
        _ => 0x4000,                                   // DF
    };

    private static byte[] RndL4(Random r, out byte proto)
    {
        int pay = r.Next(4) == 0 ? r.Next(0, 300) : r.Next(0, 24);
        switch (r.Next(7))
        {
            case 0:
            case 1:
                proto = IpProto.Tcp;
                return FrameBuilder.Tcp(RndPort(r), RndPort(r), (byte)r.Next(256), FrameBuilder.Payload(pay, r.Next()));
            case 2:
            case 3:
                proto = IpProto.Udp;
                return FrameBuilder.Udp(RndPort(r), RndPort(r), FrameBuilder.Payload(pay, r.Next()));
            case 4:
                proto = IpProto.Icmp;
                return FrameBuilder.IcmpEcho(r.Next(2) == 0, (ushort)r.Next(65536), (ushort)r.Next(65536), FrameBuilder.Payload(pay));
            case 5:
            {
                proto = IpProto.Icmp;                   // not an echo: key ports 0
                var m = RndBytes(r, 8 + pay);
                m[0] = (byte)(r.Next(2) == 0 ? 3 : r.Next(256));
                return m;
            }
            default:
                proto = (byte)(r.Next(2) == 0 ? 47 : r.Next(256));
                return RndBytes(r, r.Next(0, 40));
        }
    }

    /// <summary>An IPv4 packet at frame offset <paramref name="l3"/>; records its hot bytes.</summary>
    private static byte[] RndIpv4(Random r, Built b, int l3, uint sip, uint dip, int fragOneIn)
    {
        var opts = RndOptions(r);
        var l4 = RndL4(r, out byte proto);
        var ip = FrameBuilder.Ipv4(sip, dip, proto, l4, ttl: (byte)r.Next(1, 256), id: (ushort)r.Next(65536),
            flagsFrag: RndFragWord(r, fragOneIn), options: opts);
        if (r.Next(3) == 0) ip[1] = (byte)r.Next(256);            // DSCP and ECN (checksums are fixed below)
        if (r.Next(20) == 0) ip[16] = (byte)(0xE0 | r.Next(32));  // a multicast / broadcast destination
        b.Ip.Add(l3);
        b.Hot.AddRange(new[] { l3, l3 + 1, l3 + 2, l3 + 3, l3 + 6, l3 + 7, l3 + 9, l3 + 16, l3 + 19 });
        int l4o = l3 + 20 + opts.Length;
        b.Hot.AddRange(new[] { l4o, l4o + 1, l4o + 2, l4o + 3, l4o + 4, l4o + 5, l4o + 13 });
        return ip;
    }

    private static ushort? RndVlan(Random r, int percent) => r.Next(100) < percent ? (ushort)r.Next(4096) : null;

    private static Built HostFrame(Random r)
    {
        var b = new Built();
        var vlan = RndVlan(r, 20);
        int l3 = vlan.HasValue ? 18 : 14;
        b.Hot.AddRange(new[] { 12, 13, 16, 17 });
        int kind = r.Next(20);
        if (kind < 3)
        {
            var arp = FrameBuilder.Arp((ushort)(r.Next(4) == 0 ? r.Next(65536) : r.Next(1, 3)), RndMac(r), RndIp(r), RndMac(r), RndIp(r));
            b.Hot.AddRange(new[] { l3, l3 + 1, l3 + 2, l3 + 3, l3 + 4, l3 + 5, l3 + 7 });
            var pad = r.Next(2) == 0 ? new byte[r.Next(0, 40)] : Array.Empty<byte>();
            b.F = FrameBuilder.Ethernet(RndMac(r), RndMac(r), 0x0806, arp.Concat(pad).ToArray(), vlan);
        }
        else if (kind == 3)
        {
            ushort et = r.Next(2) == 0 ? (ushort)0x86DD : (ushort)r.Next(65536);
            b.F = FrameBuilder.Ethernet(RndMac(r), RndMac(r), et, RndBytes(r, r.Next(0, 100)), vlan);
        }
        else
        {
            var ip = RndIpv4(r, b, l3, RndIp(r), RndIp(r), 16);
            b.F = FrameBuilder.Ethernet(RndMac(r), RndMac(r), 0x0800, ip, vlan);
        }
        return b;
    }

    private static Built NetFrame(Random r)
    {
        var b = new Built();
        var vlan = RndVlan(r, 15);
        int ipo = vlan.HasValue ? 18 : 14;
        b.Hot.AddRange(new[] { 12, 13, 16, 17 });
        int kind = r.Next(20);
        if (kind == 0)
        {
            var arp = FrameBuilder.Arp(1, RndMac(r), RndIp(r), 0, RndIp(r));
            b.F = FrameBuilder.Ethernet(RndMac(r), RndMac(r), 0x0806, arp, vlan);
            return b;
        }
        if (kind == 1)
        {
            b.F = FrameBuilder.Ethernet(RndMac(r), RndMac(r), (ushort)r.Next(65536), RndBytes(r, r.Next(0, 80)), vlan);
            return b;
        }
        if (kind == 2)
        {
            // plain underlay IP traffic (TCP/ICMP/UDP to any port), to us or not
            var ip = RndIpv4(r, b, ipo, RndIp(r), r.Next(2) == 0 ? Vtep : RndIp(r), 16);
            b.F = FrameBuilder.Ethernet(RndMac(r), RndMac(r), 0x0800, ip, vlan);
            return b;
        }
        // tunnel
        bool geneve = r.Next(2) == 0;
        byte[] tun;
        uint vni = r.Next(3) == 0 ? (uint)r.Next(1 << 24) : (uint)r.Next(1, 300);
        if (!geneve)
        {
            tun = new byte[8];
            tun[0] = r.Next(10) == 0 ? (byte)r.Next(256) : (byte)0x08;
            if (r.Next(10) == 0) { tun[1] = (byte)r.Next(256); tun[7] = (byte)r.Next(256); }
        }
        else
        {
            int optlen = r.Next(10) < 7 ? r.Next(0, 5) : r.Next(0, 64);
            bool ctx = r.Next(3) == 0;       // a Nezha context option first (docs/nezha-offload.md section 3)
            if (ctx) optlen = r.Next(8) == 0 ? r.Next(1, 6) : 6 + (r.Next(4) == 0 ? r.Next(1, 4) : 0);
            tun = new byte[8 + 4 * optlen];
            r.NextBytes(tun.AsSpan(8));
            if (ctx)
            {
                var o = new ContextOption((ContextKind)(r.Next(10) == 0 ? r.Next(256) : r.Next(1, 5)), (byte)r.Next(4),
                    (byte)r.Next(256), (byte)r.Next(256), RndIp(r), RndIp(r), RndMac(r),
                    (byte)(r.Next(6) == 0 ? r.Next(256) : r.Next(2, 4))).ToBytes();
                if (r.Next(12) == 0) o[3] = (byte)r.Next(256);
                o.AsSpan(0, Math.Min(24, 4 * optlen)).CopyTo(tun.AsSpan(8));
                b.Hot.AddRange(new[] { 14 + 20 + 8 + 8 + 3, 14 + 20 + 8 + 8 + 4 });
            }
            int ver = r.Next(12) == 0 ? r.Next(1, 4) : 0;
            tun[0] = (byte)((ver << 6) | optlen);
            tun[1] = (byte)(r.Next(12) == 0 ? 0x40 : r.Next(12) == 0 ? 0x80 : (r.Next(4) == 0 ? r.Next(256) & ~0xC0 : 0));
            ushort pt = r.Next(12) == 0 ? (ushort)(r.Next(2) == 0 ? 0x0800 : r.Next(65536)) : (ushort)0x6558;
            BinaryPrimitives.WriteUInt16BigEndian(tun.AsSpan(2), pt);
        }
        tun[4] = (byte)(vni >> 16); tun[5] = (byte)(vni >> 8); tun[6] = (byte)vni;

        int outerOpts = r.Next(6) == 0 ? 4 * r.Next(1, 6) : 0;
        int l4o = ipo + 20 + outerOpts;
        int t = l4o + 8;
        int ie = t + tun.Length;
        var innerVlan = RndVlan(r, 4);
        int ipi = ie + (innerVlan.HasValue ? 18 : 14);
        byte[] inner;
        int ik = r.Next(20);
        if (ik == 0)
            inner = FrameBuilder.Ethernet(RndMac(r), RndMac(r), 0x0806, FrameBuilder.Arp(1, RndMac(r), RndIp(r), 0, RndIp(r)), innerVlan);
        else if (ik == 1)
            inner = FrameBuilder.Ethernet(RndMac(r), RndMac(r), (ushort)r.Next(65536), RndBytes(r, r.Next(0, 60)), innerVlan);
        else
            inner = FrameBuilder.Ethernet(RndMac(r), RndMac(r), 0x0800, RndIpv4(r, b, ipi, RndIp(r), RndIp(r), 30), innerVlan);
        b.Hot.AddRange(new[] { 0, 5, l4o + 2, l4o + 3, l4o + 4, l4o + 5, t, t + 1, t + 2, t + 3, ie + 12, ie + 13, ie + 16, ie + 17 });

        ushort dport = r.Next(12) == 0 ? RndPort(r) : (geneve ? FrameParser.GenevePort : FrameParser.VxlanPort);
        var udp = FrameBuilder.Udp((ushort)r.Next(49152, 65536), dport, tun.Concat(inner).ToArray());
        var opts = RndBytes(r, outerOpts);
        uint dst = r.Next(12) == 0 ? RndIp(r) : Vtep;
        var outer = FrameBuilder.Ipv4(0xC0A86400u | (uint)r.Next(256), dst, IpProto.Udp, udp, flagsFrag: RndFragWord(r, 30), options: opts);
        if (r.Next(3) == 0) outer[1] = (byte)r.Next(256);                         // outer DSCP and ECN
        if (r.Next(20) == 0) BinaryPrimitives.WriteUInt16BigEndian(outer.AsSpan(20 + outerOpts + 4), (ushort)r.Next(65536));  // UDP length
        b.Ip.Add(ipo);
        b.Hot.AddRange(new[] { ipo, ipo + 1, ipo + 2, ipo + 3, ipo + 6, ipo + 7, ipo + 9, ipo + 19 });
        b.F = FrameBuilder.Ethernet(r.Next(30) == 0 ? RndMac(r) : Topology.NicMac, Topology.NextHopMac, 0x0800, outer, vlan);
        FixChecksums(b);
        return b;
    }

    private static void FixChecksums(Built b)
    {
        var f = b.F;
        foreach (int o in b.Ip)
        {
            if (o + 20 > f.Length) continue;
            int ihl = (f[o] & 0x0F) * 4;
            if (ihl < 20 || o + ihl > f.Length) continue;
            f[o + 10] = f[o + 11] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(o + 10), FrameBuilder.Checksum(f.AsSpan(o, ihl)));
        }
    }

    /// <summary>Random mutation of a valid frame: byte flips, steering-field rewrites, IP length shrink,
    /// truncation, extension (checksums re-computed most of the time so later checks are reached).</summary>
    private static string Mutate(Random r, Built b)
    {
        int what = r.Next(12);
        switch (what)
        {
            case <= 2:
                return "none";
            case 3:
            case 4:
            {
                int n = r.Next(1, 4);
                int lim = Math.Min(b.F.Length, HdrBytes);
                if (lim == 0) return "none";
                for (int i = 0; i < n; i++)
                {
                    int o = r.Next(lim);
                    b.F[o] = r.Next(2) == 0 ? (byte)(b.F[o] ^ (1 << r.Next(8))) : (byte)r.Next(256);
                }
                if (r.Next(3) != 0) FixChecksums(b);
                return "flip";
            }
            case 5:
            case 6:
            {
                var hot = b.Hot.Where(o => o < b.F.Length).ToList();
                if (hot.Count == 0) return "none";
                int n = r.Next(1, 3);
                for (int i = 0; i < n; i++)
                {
                    int o = hot[r.Next(hot.Count)];
                    b.F[o] = r.Next(3) switch
                    {
                        0 => (byte)r.Next(256),
                        1 => (byte)(b.F[o] ^ (1 << r.Next(8))),
                        _ => (byte)(b.F[o] + r.Next(-2, 3)),
                    };
                }
                if (r.Next(5) != 0) FixChecksums(b);
                return "field";
            }
            case 7:
            {
                // shrink (or grow) one IPv4 total length; maybe cut the frame right there
                if (b.Ip.Count == 0) return "none";
                int o = b.Ip[r.Next(b.Ip.Count)];
                if (o + 4 > b.F.Length) return "none";
                int tot = BinaryPrimitives.ReadUInt16BigEndian(b.F.AsSpan(o + 2));
                int nt = r.Next(4) == 0 ? tot + r.Next(1, 8) : r.Next(0, tot + 1);
                BinaryPrimitives.WriteUInt16BigEndian(b.F.AsSpan(o + 2), (ushort)nt);
                FixChecksums(b);
                if (r.Next(2) == 0 && o + nt < b.F.Length) b.F = b.F[..(o + nt)];
                return "iplen";
            }
            case 8:
            case 9:
            {
                int cut = r.Next(3) == 0 ? r.Next(0, 20) : r.Next(0, b.F.Length + 1);
                b.F = b.F[..Math.Min(cut, b.F.Length)];
                return "trunc";
            }
            default:
            {
                int extra = r.Next(3) == 0 ? r.Next(1, 9216 - b.F.Length) : r.Next(1, 64);
                var g = new byte[b.F.Length + Math.Max(extra, 1)];
                b.F.CopyTo(g, 0);
                if (r.Next(2) == 0) r.NextBytes(g.AsSpan(b.F.Length, Math.Min(extra, 200)));
                b.F = g;
                return "extend";
            }
        }
    }

    private static List<Case> Directed()
    {
        var t = new Topology();
        var vm = t.Vms[0];
        var rem = t.Remotes[0];
        var l = new List<Case>();
        void Add(string n, int port, byte[] f, string want) => l.Add(new Case(n, port, f, want));
        Add("host tcp", Host, t.FromVmTcp(vm, rem.Ip, 1234, 80, TcpFlags.Syn, 10), "ok");
        Add("host tcp vlan (a vNIC is untagged)", Host, t.FromVmTcp(vm, rem.Ip, 1234, 80, TcpFlags.Fin | TcpFlags.Ack, 0, vlan: 7),
            $"drop {DropReason.Unsupported}");
        Add("host arp vlan", Host, FrameBuilder.Ethernet(0xFFFF_FFFF_FFFF, vm.Mac, 0x0806, FrameBuilder.Arp(1, vm.Mac, vm.Ip, 0, rem.Ip), 3),
            $"drop {DropReason.Unsupported}");
        Add("host mdns (224.0.0.251)", Host, t.FromVmUdp(vm, FrameBuilder.Ip("224.0.0.251"), 5353, 5353, 20), $"drop {DropReason.NotUnicast}");
        Add("host limited broadcast", Host, t.FromVmUdp(vm, 0xFFFF_FFFF, 68, 67, 20), $"drop {DropReason.NotUnicast}");
        Add("host class E", Host, t.FromVmUdp(vm, FrameBuilder.Ip("240.1.2.3"), 1, 2, 0), $"drop {DropReason.NotUnicast}");
        Add("host 223.255.255.255 is unicast", Host, t.FromVmUdp(vm, FrameBuilder.Ip("223.255.255.255"), 1, 2, 0), "ok");
        var ce = t.FromVmTcp(vm, rem.Ip, 5, 6, TcpFlags.Ack, 10);
        ce[15] = 0xB9;                      // DSCP 46, ECN ECT(1)
        FixIpChecksum(ce, 14);
        Add("host dscp + ecn", Host, ce, "ok");
        Add("host udp", Host, t.FromVmUdp(vm, rem.Ip, 5353, 53, 30), "ok");
        Add("host ping", Host, t.FromVmPing(vm, rem.Ip, 0x1234, 1), "ok");
        Add("host ping reply", Host, t.FromVmPing(vm, rem.Ip, 0x4321, 9, request: false), "ok");
        Add("host arp", Host, t.ArpRequest(vm, rem.Ip), "arp");
        var icmpUnreach = new byte[36]; icmpUnreach[0] = 3; icmpUnreach[4] = 0x55;
        Add("host icmp unreachable", Host, FrameBuilder.Ethernet(rem.Mac, vm.Mac, 0x0800,
            FrameBuilder.Ipv4(vm.Ip, rem.Ip, IpProto.Icmp, icmpUnreach)), "ok");
        Add("host gre", Host, FrameBuilder.Ethernet(rem.Mac, vm.Mac, 0x0800, FrameBuilder.Ipv4(vm.Ip, rem.Ip, 47, new byte[4])), "ok");
        Add("host ip options", Host, FrameBuilder.Ethernet(rem.Mac, vm.Mac, 0x0800, FrameBuilder.Ipv4(vm.Ip, rem.Ip, IpProto.Tcp,
            FrameBuilder.Tcp(1, 2, TcpFlags.Ack, default), options: new byte[40])), "ok");
        Add("host fragment MF", Host, FrameBuilder.Ethernet(rem.Mac, vm.Mac, 0x0800, FrameBuilder.Ipv4(vm.Ip, rem.Ip, IpProto.Udp,
            FrameBuilder.Udp(1, 2, new byte[20]), flagsFrag: 0x2000)), "frag");
        Add("host fragment offset", Host, FrameBuilder.Ethernet(rem.Mac, vm.Mac, 0x0800, FrameBuilder.Ipv4(vm.Ip, rem.Ip, IpProto.Tcp,
            new byte[8], flagsFrag: 0x00B9)), "frag");
        Add("host tcp header cut (l4 TRUNCATED)", Host, FrameBuilder.Ethernet(rem.Mac, vm.Mac, 0x0800, FrameBuilder.Ipv4(vm.Ip, rem.Ip, IpProto.Tcp,
            new byte[12])), $"l4 {DropReason.Truncated}");
        Add("host ipv6", Host, FrameBuilder.Ethernet(rem.Mac, vm.Mac, 0x86DD, new byte[60]), $"drop {DropReason.Unsupported}");
        Add("host qinq", Host, QinQ(vm.Mac, rem.Mac), $"drop {DropReason.Unsupported}");
        Add("host runt", Host, new byte[13], $"drop {DropReason.Runt}");
        Add("host bad csum", Host, BreakCsum(t.FromVmUdp(vm, rem.Ip, 1, 2, 0), 14), $"drop {DropReason.BadIpCsum}");
        Add("host vlan cut (untagged port: the tag decides first)", Host, t.FromVmTcp(vm, rem.Ip, 1, 2, 0, 0, vlan: 5)[..16],
            $"drop {DropReason.Unsupported}");
        Add("net vlan cut", Net, FrameBuilder.Ethernet(Topology.NicMac, Topology.NextHopMac, 0x0800, new byte[40], vlan: 5)[..16],
            $"drop {DropReason.Truncated}");
        Add("net vxlan on a tagged underlay", Net, FrameBuilder.Ethernet(Topology.NicMac, Topology.NextHopMac, 0x0800,
            FrameBuilder.Vxlan(Topology.NicMac, Topology.NextHopMac, rem.Vtep, Topology.Vtep, 100,
                FrameBuilder.Ethernet(vm.Mac, rem.Mac, 0x0800, FrameBuilder.Ipv4(rem.Ip, vm.Ip, IpProto.Udp, FrameBuilder.Udp(53, 5353, new byte[12]))))[14..],
            vlan: 12), "ok");

        Add("net vxlan tcp", Net, t.FromRemoteTcp(rem, vm, 40000, 22, TcpFlags.Syn, 5), "ok");
        Add("net geneve tcp 8 option bytes", Net, t.FromRemoteGeneveTcp(rem, vm, 40000, 22, TcpFlags.Ack, 8), "ok");
        Add("net geneve tcp 16 option bytes", Net, t.FromRemoteGeneveTcp(rem, vm, 40001, 23, TcpFlags.Ack, 16), "ok");
        Add("net geneve long options (HDR_TOO_LONG)", Net, t.FromRemoteGeneveTcp(rem, vm, 40001, 23, TcpFlags.Ack, 64), $"drop {DropReason.HdrTooLong}");
        var innerUdp = FrameBuilder.Ethernet(vm.Mac, rem.Mac, 0x0800, FrameBuilder.Ipv4(rem.Ip, vm.Ip, IpProto.Udp, FrameBuilder.Udp(53, 5353, new byte[12])));
        Add("net vxlan udp", Net, FrameBuilder.Vxlan(Topology.NicMac, Topology.NextHopMac, rem.Vtep, Topology.Vtep, 100, innerUdp), "ok");
        var innerPing = FrameBuilder.Ethernet(vm.Mac, rem.Mac, 0x0800, FrameBuilder.Ipv4(rem.Ip, vm.Ip, IpProto.Icmp, FrameBuilder.IcmpEcho(true, 77, 1, new byte[16])));
        Add("net geneve ping", Net, FrameBuilder.Geneve(Topology.NicMac, Topology.NextHopMac, rem.Vtep, Topology.Vtep, 100, innerPing, new byte[4]), "ok");
        Add("net wrong vtep", Net, FrameBuilder.Vxlan(Topology.NicMac, Topology.NextHopMac, rem.Vtep, Topology.Vtep + 1, 100, innerUdp), $"exc {ExceptionReason.Underlay}");
        Add("net arp", Net, FrameBuilder.Ethernet(0xFFFFFFFFFFFF, Topology.NextHopMac, 0x0806, FrameBuilder.Arp(1, Topology.NextHopMac, rem.Vtep, 0, Topology.Vtep)),
            $"exc {ExceptionReason.Underlay}");
        Add("net outer tcp", Net, FrameBuilder.Ethernet(Topology.NicMac, Topology.NextHopMac, 0x0800, FrameBuilder.Ipv4(rem.Vtep, Topology.Vtep, IpProto.Tcp,
            FrameBuilder.Tcp(22, 1000, TcpFlags.Syn, default))), $"exc {ExceptionReason.Underlay}");
        Add("net udp other port", Net, FrameBuilder.Ethernet(Topology.NicMac, Topology.NextHopMac, 0x0800, FrameBuilder.Ipv4(rem.Vtep, Topology.Vtep, IpProto.Udp,
            FrameBuilder.Udp(1000, 4790, new byte[30]))), $"exc {ExceptionReason.Underlay}");
        Add("net outer fragment", Net, FrameBuilder.Ethernet(Topology.NicMac, Topology.NextHopMac, 0x0800, FrameBuilder.Ipv4(rem.Vtep, Topology.Vtep, IpProto.Udp,
            FrameBuilder.Udp(1000, 4789, new byte[30]), flagsFrag: 0x2000)), $"exc {ExceptionReason.Fragment}");
        var innerFrag = FrameBuilder.Ethernet(vm.Mac, rem.Mac, 0x0800, FrameBuilder.Ipv4(rem.Ip, vm.Ip, IpProto.Udp, new byte[16], flagsFrag: 0x0020));
        Add("net inner fragment", Net, FrameBuilder.Vxlan(Topology.NicMac, Topology.NextHopMac, rem.Vtep, Topology.Vtep, 100, innerFrag), $"exc {ExceptionReason.Fragment}");
        Add("net vxlan I flag clear", Net, FrameBuilder.Vxlan(Topology.NicMac, Topology.NextHopMac, rem.Vtep, Topology.Vtep, 100, innerUdp, flags: 0x00),
            $"drop {DropReason.Unsupported}");
        Add("net geneve critical", Net, FrameBuilder.Geneve(Topology.NicMac, Topology.NextHopMac, rem.Vtep, Topology.Vtep, 100, innerPing, critical: true),
            $"drop {DropReason.Unsupported}");
        Add("net geneve version 1", Net, FrameBuilder.Geneve(Topology.NicMac, Topology.NextHopMac, rem.Vtep, Topology.Vtep, 100, innerPing, version: 1),
            $"drop {DropReason.Unsupported}");
        Add("net geneve protocol 0x0800", Net, FrameBuilder.Geneve(Topology.NicMac, Topology.NextHopMac, rem.Vtep, Topology.Vtep, 100, innerPing, protocol: 0x0800),
            $"drop {DropReason.Unsupported}");
        var innerTagged = FrameBuilder.Ethernet(vm.Mac, rem.Mac, 0x0800, FrameBuilder.Ipv4(rem.Ip, vm.Ip, IpProto.Udp, FrameBuilder.Udp(1, 2, default)), vlan: 9);
        Add("net inner vlan", Net, FrameBuilder.Vxlan(Topology.NicMac, Topology.NextHopMac, rem.Vtep, Topology.Vtep, 100, innerTagged), $"drop {DropReason.Unsupported}");
        var innerTcpCut = FrameBuilder.Ethernet(vm.Mac, rem.Mac, 0x0800, FrameBuilder.Ipv4(rem.Ip, vm.Ip, IpProto.Tcp, new byte[10]));
        Add("net inner tcp cut", Net, FrameBuilder.Vxlan(Topology.NicMac, Topology.NextHopMac, rem.Vtep, Topology.Vtep, 100, innerTcpCut), $"l4 {DropReason.Truncated}");
        var innerDeep = FrameBuilder.Ethernet(vm.Mac, rem.Mac, 0x0800, FrameBuilder.Ipv4(rem.Ip, vm.Ip, IpProto.Tcp,
            FrameBuilder.Tcp(5, 6, TcpFlags.Syn, new byte[50]), options: new byte[40]));
        Add("net inner tcp past the window (l4 HDR_TOO_LONG)", Net, FrameBuilder.Vxlan(Topology.NicMac, Topology.NextHopMac, rem.Vtep,
            Topology.Vtep, 100, innerDeep), $"l4 {DropReason.HdrTooLong}");
        Add("net vxlan to another mac (NOT_MY_MAC)", Net, FrameBuilder.Vxlan(Topology.NextHopMac, Topology.NextHopMac, rem.Vtep, Topology.Vtep, 100, innerUdp),
            $"drop {DropReason.NotMyMac}");
        Add("net udp to another mac other port (host's)", Net, FrameBuilder.Ethernet(0x0200_0000_7777, Topology.NextHopMac, 0x0800,
            FrameBuilder.Ipv4(rem.Vtep, Topology.Vtep, IpProto.Udp, FrameBuilder.Udp(1000, 53, new byte[30]))), $"exc {ExceptionReason.Underlay}");
        foreach (int ulen in new[] { 0, 3, 8, 15, 0xFFFF })
        {
            var f = FrameBuilder.Vxlan(Topology.NicMac, Topology.NextHopMac, rem.Vtep, Topology.Vtep, 100, innerUdp);
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(38), (ushort)ulen);
            Add($"net udp length {ulen}", Net, f, ulen < 8 || ulen == 0xFFFF ? $"drop {DropReason.BadUdpLen}" : $"drop {DropReason.Truncated}");
        }
        var longUdp = FrameBuilder.Vxlan(Topology.NicMac, Topology.NextHopMac, rem.Vtep, Topology.Vtep, 100, innerUdp);
        BinaryPrimitives.WriteUInt16BigEndian(longUdp.AsSpan(38), (ushort)(longUdp.Length - 34 - 4));
        Add("net udp length short of the inner frame", Net, longUdp, $"drop {DropReason.BadIpLen}");
        var oam = FrameBuilder.Geneve(Topology.NicMac, Topology.NextHopMac, rem.Vtep, Topology.Vtep, 100, innerPing);
        oam[14 + 20 + 8 + 1] |= 0x80;
        Add("net geneve O bit (control)", Net, oam, $"exc {ExceptionReason.Underlay}");
        var innerMc = FrameBuilder.Ethernet(vm.Mac, rem.Mac, 0x0800, FrameBuilder.Ipv4(rem.Ip, FrameBuilder.Ip("239.1.1.1"), IpProto.Udp, FrameBuilder.Udp(1, 2, default)));
        Add("net inner multicast", Net, FrameBuilder.Vxlan(Topology.NicMac, Topology.NextHopMac, rem.Vtep, Topology.Vtep, 100, innerMc), $"drop {DropReason.NotUnicast}");
        foreach (var (o, i, want) in new[] { (3, 0, $"drop {DropReason.EcnDrop}"), (3, 2, "ok"), (1, 2, "ok"), (2, 1, "ok"), (0, 3, "ok"), (3, 3, "ok") })
        {
            var inner = FrameBuilder.Ethernet(vm.Mac, rem.Mac, 0x0800, FrameBuilder.Ipv4(rem.Ip, vm.Ip, IpProto.Udp, FrameBuilder.Udp(1, 2, new byte[4])));
            inner[15] = (byte)(0x28 | i);
            FixIpChecksum(inner, 14);
            var f = FrameBuilder.Vxlan(Topology.NicMac, Topology.NextHopMac, rem.Vtep, Topology.Vtep, 100, inner);
            f[15] = (byte)o;
            FixIpChecksum(f, 14);
            Add($"net ecn outer {o} inner {i}", Net, f, want);
        }
        Add("net runt", Net, new byte[1], $"drop {DropReason.Runt}");
        Add("net empty", Net, Array.Empty<byte>(), $"drop {DropReason.Runt}");
        Add("net jumbo vxlan", Net, FrameBuilder.Vxlan(Topology.NicMac, Topology.NextHopMac, rem.Vtep, Topology.Vtep, 100,
            FrameBuilder.Ethernet(vm.Mac, rem.Mac, 0x0800, FrameBuilder.Ipv4(rem.Ip, vm.Ip, IpProto.Udp, FrameBuilder.Udp(1, 2, new byte[8900])))), "ok");
        return l;
    }

    private static byte[] QinQ(ulong src, ulong dst)
    {
        var f = FrameBuilder.Ethernet(dst, src, 0x88A8, new byte[60], vlan: 3);
        return f;
    }

    private static void FixIpChecksum(byte[] f, int l3)
    {
        f[l3 + 10] = f[l3 + 11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(l3 + 10), FrameBuilder.Checksum(f.AsSpan(l3, (f[l3] & 0x0F) * 4)));
    }

    private static byte[] BreakCsum(byte[] f, int l3)
    {
        f[l3 + 10] ^= 0x5A;
        return f;
    }

    private static List<Case> Random(int count, int seed)
    {
        var r = new Random(seed);
        var l = new List<Case>(count);
        for (int i = 0; i < count; i++)
        {
            int port = r.Next(2);
            var b = port == Host ? HostFrame(r) : NetFrame(r);
            string how = Mutate(r, b);
            l.Add(new Case($"random #{i} ({(port == Host ? "host" : "net")}, {how})", port, b.F));
        }
        return l;
    }

    // ------------------------------------------------------------------ runner

    private static void Drive(ModuleSim m, Case c)
    {
        m.Set("in_valid", 1);
        m.Set("in_port", (ulong)c.Port);
        m.Set("in_len", (ulong)c.Frame.Length);
        m.SetBytes("in_hdr", c.Frame.AsSpan(0, Math.Min(c.Frame.Length, HdrBytes)));
    }

    /// <summary>Runs the cases through the pipeline (in_valid with probability <paramref name="rate"/>, garbage
    /// on in_* otherwise); returns the mismatch descriptions and outcome histogram.</summary>
    private static (List<string> Bad, SortedDictionary<string, int> Kinds) Run(List<Case> cases, double rate, int seed)
    {
        using var m = new ModuleSim("hdr_parser");
        m.Reset();
        m.Set("cfg_vtep_ip", Vtep);
        m.Set("cfg_nic_mac", Topology.NicMac);
        var rnd = new Random(seed);
        var pending = new Queue<(long Cycle, Case C, Expected E)>();
        var bad = new List<string>();
        var kinds = new SortedDictionary<string, int>();
        var junk = new byte[HdrBytes];
        long cycle = 0;
        int next = 0;
        while (next < cases.Count || pending.Count > 0)
        {
            bool valid = next < cases.Count && rnd.NextDouble() < rate;
            if (valid)
            {
                var c = cases[next++];
                Drive(m, c);
                var e = ModelParse(c.Frame, c.Port, Vtep);
                string kind = $"{(c.Port == Host ? "host" : "net ")} {e.Kind}";
                kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
                if (c.Want != null && e.Kind != c.Want)
                    bad.Add($"{c.Name}: stimulus check: the model says '{e.Kind}', the directed frame wants '{c.Want}'");
                pending.Enqueue((cycle, c, e));
            }
            else
            {
                m.Set("in_valid", 0);
                if (rnd.Next(2) == 0)
                {
                    rnd.NextBytes(junk);
                    m.SetBytes("in_hdr", junk);
                    m.Set("in_port", (ulong)rnd.Next(2));
                    m.Set("in_len", (ulong)rnd.Next(65536));
                }
            }
            m.Tick();
            // now in cycle `cycle + 1`: the frame of cycle `cycle - 2` must be out
            bool due = pending.Count > 0 && pending.Peek().Cycle == cycle - 2;
            bool ov = m.GetBool("out_valid");
            if (ov != due)
            {
                bad.Add($"cycle {cycle + 1}: out_valid={ov}, expected {due} (in_valid + 3)");
                if (!due) { cycle++; continue; }
            }
            if (due)
            {
                var (_, c, e) = pending.Dequeue();
                var diff = Compare(m, c.Port, e);
                if (diff != null)
                    bad.Add($"{c.Name} [{e.Kind}] L={c.Frame.Length}:{diff}\n    frame[..128] {Convert.ToHexString(c.Frame.AsSpan(0, Math.Min(HdrBytes, c.Frame.Length)))}");
            }
            cycle++;
            if (bad.Count > 200) break;
        }
        return (bad, kinds);
    }

    private static void Report(List<string> bad, SortedDictionary<string, int> kinds, int frames)
    {
        TestContext.Out.WriteLine($"{frames} frames; outcomes (model):");
        foreach (var (k, n) in kinds) TestContext.Out.WriteLine($"  {k,-28} {n}");
        foreach (var b in bad.Take(20)) TestContext.Out.WriteLine(b);
        Assert.That(bad, Is.Empty, $"{bad.Count} mismatches; first: {bad.FirstOrDefault()}");
    }

    [Test]
    public void DirectedFramesMatchTheModel()
    {
        var cases = Directed();
        var (bad, kinds) = Run(cases, 1.0, 1);
        Report(bad, kinds, cases.Count);
    }

    [Test]
    public void RandomMutatedFramesMatchTheModelOnePerCycle()
    {
        var cases = Random(20000, 2024);
        var (bad, kinds) = Run(cases, 0.8, 7);
        Report(bad, kinds, cases.Count);
    }

    [Test]
    public void OutValidPulsesThreeCyclesAfterInValidAndOutputsHold()
    {
        using var m = new ModuleSim("hdr_parser");
        m.Reset();
        m.Set("cfg_vtep_ip", Vtep);
        m.Set("cfg_nic_mac", Topology.NicMac);
        var cases = Directed();
        var outs = new[] { "p_drop", "p_drop_reason", "p_exc", "p_exc_reason", "p_l3off", "p_sip", "p_dip", "p_sport", "p_dport", "p_vni", "p_eth_dst" };
        var rnd = new Random(3);
        var junk = new byte[HdrBytes];
        foreach (var c in cases)
        {
            Drive(m, c);
            m.Tick();
            m.Set("in_valid", 0);
            for (int k = 1; k <= 2; k++)
            {
                Assert.That(m.GetBool("out_valid"), Is.False, $"{c.Name}: out_valid {k} cycle(s) after in_valid");
                rnd.NextBytes(junk);
                m.SetBytes("in_hdr", junk);
                m.Tick();
            }
            Assert.That(m.GetBool("out_valid"), Is.True, $"{c.Name}: out_valid 3 cycles after in_valid");
            Assert.That(Compare(m, c.Port, ModelParse(c.Frame, c.Port, Vtep)), Is.Null, c.Name);
            var held = outs.Select(m.Get).ToArray();
            for (int k = 0; k < 4; k++)
            {
                rnd.NextBytes(junk);
                m.SetBytes("in_hdr", junk);
                m.Set("in_port", (ulong)rnd.Next(2));
                m.Tick();
                Assert.That(m.GetBool("out_valid"), Is.False, $"{c.Name}: out_valid is a one-cycle pulse");
                Assert.That(outs.Select(m.Get).ToArray(), Is.EqualTo(held), $"{c.Name}: outputs hold until the next in_valid");
            }
        }
    }
}
