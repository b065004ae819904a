using Nezha.Common;
using Nezha.Common.Registers;

namespace Nezha.Verify.Model;

/// <summary>
/// Packet-level golden model of <c>nezha_core</c> (docs/datapath-spec.md section 4, registers of section 7; the
/// offload of docs/nezha-offload.md in NicModel.Offload.cs).
/// Call <see cref="Process"/> once per frame in the processor's retire order (the monitor event order) with
/// the tick and slow-path cycles of that event; call <see cref="Sweep"/> where a full sweeper pass is known
/// to have happened, and <see cref="ProbeRound"/> for every probe-round monitor record. Not thread-safe.
/// </summary>
public sealed partial class NicModel
{
    private readonly ModelConfig _cfg;
    private readonly Counters _c;
    private readonly VnicTable _vnics;
    private readonly RouteTable _routes;
    private readonly MappingTable _map;
    private readonly AclTable _acl;
    private readonly SessionTable _sess;
    private readonly OffloadTable _offload;
    private readonly FeGroupTable _groups;
    private readonly RegisterFile _regs;
    private readonly uint _vnicMask;
    private readonly ModelVerdict[] _dropVerdicts;   // cached (no allocation for drops): [reason*4 + slow*2 + hit]

    private PacketInfo _pi;                          // parse scratch, reused every frame

    public NicModel(NicParams p)
    {
        ArgumentNullException.ThrowIfNull(p);
        p.Validate();
        Params = p;
        _cfg = new ModelConfig(p);
        _c = new Counters(p.NVnic);
        _vnics = new VnicTable(p);
        _routes = new RouteTable(p);
        _map = new MappingTable(p);
        _acl = new AclTable(p);
        _sess = new SessionTable(p, _c);
        _offload = new OffloadTable(p);
        _groups = new FeGroupTable(p);
        _vnics.Offload = _offload;
        _regs = new RegisterFile(p, _cfg, _c, _vnics, _routes, _map, _acl, _sess, _offload, _groups);
        _vnicMask = (uint)(p.NVnic - 1);
        int n = Enum.GetValues<DropReason>().Max(r => (int)r) + 1;
        _dropVerdicts = new ModelVerdict[n * 4];
        for (int r = 0; r < n; r++)
            for (int k = 0; k < 4; k++)
                _dropVerdicts[r * 4 + k] = new ModelVerdict((DropReason)r, ExceptionReason.None, null, (k & 2) != 0, (k & 1) != 0);
    }

    public NicParams Params { get; }

    /// <summary>The CONFIG block as currently programmed.</summary>
    public ModelConfig Config => _cfg;

    /// <summary>Current state of the cuckoo displacement LFSR.</summary>
    public ushort Lfsr => _sess.Lfsr;

    // ------------------------------------------------------------- registers

    /// <summary>AXI4-Lite write; returns the response (0 OKAY, 2 SLVERR).</summary>
    public uint RegWrite(uint addr, uint data, uint wstrb = 0xF) => _regs.Write(addr, data, wstrb);

    /// <summary>AXI4-Lite read; returns the response (0 OKAY, 2 SLVERR).</summary>
    public uint RegRead(uint addr, out uint data) => _regs.Read(addr, out data);

    // ------------------------------------------------------- introspection

    public ulong Stat(StatIndex i) => _c[i];
    public ulong Stat(int i) => _c[i];
    public VnicCounters Vnic(int v) => _c.Vnic(v);
    public ModelVnicEntry VnicTableEntry(int v) => _vnics[v];
    public ModelRouteEntry Route(int i) => _routes[i];
    public ModelMappingEntry Mapping(int i) => _map[i];
    public ModelAclRule Acl(int i) => _acl[i];
    public int AclSetCount(int set) => _acl.SetCount(set);

    /// <summary>Raw content of session slot <paramref name="slot"/> (SESSION INDEX numbering).</summary>
    public ModelSessionEntry Session(int slot) => _sess[slot];

    /// <summary>Entries that are live (valid and not expired) at <paramref name="tick"/>.</summary>
    public int SessionLiveCount(ushort tick) => _sess.LiveCount(tick, _cfg.IdleTimeout, _cfg.CloseTimeout);

    /// <summary>Entries with the valid bit set (what SESS_OCCUPANCY counts).</summary>
    public int SessionValidCount() => _sess.ValidCount();

    /// <summary>Slot of the live entry for this flow at <paramref name="tick"/>, or -1.</summary>
    public int FindSession(uint vni, byte proto, uint sip, ushort sport, uint dip, ushort dport, ushort tick)
    {
        var k = ModelFlowKey.Make(vni, proto, sip, sport, dip, dport, out _);
        return _sess.Lookup(k, k.Hash(), tick, _cfg.IdleTimeout, _cfg.CloseTimeout);
    }

    /// <summary>What a full sweeper pass at <paramref name="tick"/> leaves: expired entries cleared (SESS_AGED, OCCUPANCY).</summary>
    public void Sweep(ushort tick) => _sess.Sweep(tick, _cfg.IdleTimeout, _cfg.CloseTimeout);

    // ------------------------------------------------------------ datapath

    /// <summary>
    /// Processes one frame received on <paramref name="port"/> (0 net, 1 host) with input tuser
    /// <paramref name="tuser"/> (vNIC id in [VNIC_W-1:0], rx error at bit VNIC_W), at tick <paramref name="tick"/>;
    /// <paramref name="slowCycles"/> is the monitor event's slow-path cycle count (added to the attributed
    /// vNIC's SLOW_CYCLES when the slow path runs).
    /// </summary>
    public ModelVerdict Process(int port, ReadOnlySpan<byte> frame, uint tuser, ushort tick, ushort slowCycles)
    {
        if (port != ModelFrame.Net && port != ModelFrame.Host) throw new ArgumentOutOfRangeException(nameof(port));
        int len = frame.Length;
        ulong rxBytes = (ulong)Math.Min(len, 65535);
        if (port == ModelFrame.Net) { _c.Inc(StatIndex.NetRxPkts); _c.Inc(StatIndex.NetRxBytes, rxBytes); }
        else { _c.Inc(StatIndex.HostRxPkts); _c.Inc(StatIndex.HostRxBytes, rxBytes); }

        // 4.1 ingress
        if (((tuser >> Params.VnicW) & 1) != 0) return Drop(DropReason.RxError);
        if (len > (port == ModelFrame.Host ? _cfg.VmMtu : _cfg.Mtu)) return Drop(DropReason.Oversize);
        if (len < 14) return Drop(DropReason.Runt);

        _pi.Clear();
        _pi.Len = len;
        var fp = new FrameParser(frame, Params.HdrBytes);
        return port == ModelFrame.Host
            ? ProcessHost(fp, frame, (int)(tuser & _vnicMask), tick, slowCycles)
            : ProcessNet(fp, frame, tick, slowCycles);
    }

    // 4.3
    private ModelVerdict ProcessHost(FrameParser fp, ReadOnlySpan<byte> frame, int s, ushort now, ushort slowCycles)
    {
        if (!_vnics.Enabled(s)) return Drop(DropReason.BadVnic);
        _c.VnicRx(s, frame.Length);
        ref readonly var vs = ref _vnics[s];

        var r = fp.Ethernet(0, frame.Length, allowTag: false, ref _pi);
        if (r != DropReason.None) return Drop(r);
        if (_pi.EtherType == FrameParser.EtherTypeArp) return ArpResponder(fp, s);
        if (_pi.EtherType != FrameParser.EtherTypeIpv4) return Drop(DropReason.Unsupported);

        r = fp.Ipv4(_pi.L3Off, frame.Length, ref _pi);
        if (r != DropReason.None) return Drop(r);
        if (NotUnicast(_pi.Dip)) return Drop(DropReason.NotUnicast);
        if (_pi.EthSrc != vs.Mac || _pi.Sip != vs.Ip) return Drop(DropReason.Spoof);
        _pi.Ecn = _pi.Tos & 3;
        if (_pi.Frag) return Exception(frame, ExceptionReason.Fragment, s);
        if (_pi.Dip == vs.GwIp) return Exception(frame, ExceptionReason.Gateway, s);
        r = fp.L4(ref _pi);
        if (r != DropReason.None) return Drop(r);
        return SessionStage(frame, ModelFrame.Host, s, vs.Vni, now, slowCycles);
    }

    // 4.4
    private ModelVerdict ProcessNet(FrameParser fp, ReadOnlySpan<byte> frame, ushort now, ushort slowCycles)
    {
        var r = fp.Ethernet(0, frame.Length, allowTag: true, ref _pi);
        if (r != DropReason.None) return Drop(r);
        if (_pi.EtherType == FrameParser.EtherTypeArp) return Exception(frame, ExceptionReason.Underlay, 0);
        if (_pi.EtherType != FrameParser.EtherTypeIpv4) return Drop(DropReason.Unsupported);

        r = fp.Ipv4(_pi.L3Off, frame.Length, ref _pi);
        if (r != DropReason.None) return Drop(r);
        if (_pi.Frag) return Exception(frame, ExceptionReason.Fragment, 0);
        if (_pi.Proto != FrameParser.ProtoUdp || _pi.Dip != _cfg.VtepIp) return Exception(frame, ExceptionReason.Underlay, 0);
        _pi.OuterSip = _pi.Sip;
        _pi.OuterEcn = _pi.Tos & 3;
        r = fp.Tunnel(ref _pi, _cfg.NicMac, out bool underlay, out int innerEth);
        if (r != DropReason.None) return Drop(r);
        if (underlay) return Exception(frame, ExceptionReason.Underlay, 0);

        // a Nezha context packet (docs/nezha-offload.md section 3)
        ContextOption ctx = default;
        bool isCtx = false;
        if (_pi.Geneve && ContextOption.TryParse(frame[_pi.GeneveOptOff..], _pi.GeneveOptWords, out ctx, out bool bad))
        {
            if (bad) return Drop(DropReason.CtxBad);
            if (ctx.Kind == ContextKind.Probe) return ProbeReply(ctx);
            if (ctx.Kind == ContextKind.ProbeReply) return ProbeReplyRx(now);
            isCtx = true;
        }

        int outerEnd = _pi.UdpEnd;
        r = fp.Ethernet(innerEth, outerEnd, allowTag: false, ref _pi);
        if (r != DropReason.None) return Drop(r);
        if (_pi.EtherType != FrameParser.EtherTypeIpv4) return Drop(DropReason.Unsupported);
        r = fp.Ipv4(_pi.L3Off, outerEnd, ref _pi);
        if (r != DropReason.None) return Drop(r);
        if (_pi.Frag) return Exception(frame, ExceptionReason.Fragment, 0);
        if (NotUnicast(_pi.Dip)) return Drop(DropReason.NotUnicast);
        int innerEcn = _pi.Tos & 3;
        if (_pi.OuterEcn == EcnCe && innerEcn == EcnNotEct) return Drop(DropReason.EcnDrop);
        _pi.Ecn = CombineEcn(_pi.OuterEcn, innerEcn);

        if (isCtx)
            return ctx.Kind == ContextKind.Request ? FeRequest(fp, frame, ctx, slowCycles) : BeVerdict(fp, frame, ctx, now, slowCycles);
        int d = _vnics.FindByVniMac(_pi.Vni, _pi.EthDst);
        if (d < 0) return Drop(DropReason.UnknownVnic);
        r = fp.L4(ref _pi);
        if (r != DropReason.None) return Drop(r);
        return SessionStage(frame, ModelFrame.Net, d, _pi.Vni, now, slowCycles);
    }

    // 4.5
    private ModelVerdict ArpResponder(FrameParser fp, int s)
    {
        var r = fp.Arp(ref _pi);
        if (r != DropReason.None) return Drop(r);
        ref readonly var vs = ref _vnics[s];
        if (_pi.EthSrc != vs.Mac || _pi.ArpSha != vs.Mac || (_pi.ArpSpa != vs.Ip && _pi.ArpSpa != 0))
            return Drop(DropReason.Spoof);
        if (_pi.ArpOp != 1) return Drop(DropReason.ArpIgnored);
        if (_pi.ArpTpa == vs.Ip) return Drop(DropReason.ArpIgnored);

        ulong answer;
        if (_pi.ArpTpa == vs.GwIp)
            answer = _cfg.GwMac;
        else
        {
            int j = _vnics.FindByVniIp(vs.Vni, _pi.ArpTpa, s);
            if (j >= 0)
                answer = _vnics[j].Mac;
            else
            {
                int m = _map.Lookup(vs.Vni, _pi.ArpTpa);
                if (m < 0) return Drop(DropReason.ArpUnknown);
                answer = _map[m].Mac;
            }
        }
        var reply = HeaderBuilder.ArpReply(_pi.ArpSha, answer, _pi.ArpSpa, _pi.ArpTpa);
        _c.Inc(StatIndex.ArpReplies);
        _c.VnicTx(s, reply.Length);
        return Emit(ModelFrame.Host, reply, (uint)s, false, false);
    }

    // 4.6
    private ModelVerdict SessionStage(ReadOnlySpan<byte> frame, int port, int attributed, uint vni, ushort now, ushort slowCycles,
                                      ContextOption? verdict = null)
    {
        // L of the session entry: an accepted VERDICT counts its inner frame (14 + inner IP total length)
        ulong sessLen = verdict.HasValue ? (ulong)(14 + _pi.IpEnd - _pi.L3Off) : (ulong)frame.Length;
        int idle = _cfg.IdleTimeout, close = _cfg.CloseTimeout;
        var key = ModelFlowKey.Make(vni, _pi.Proto, _pi.Sip, _pi.KeySport, _pi.Dip, _pi.KeyDport, out int dir);
        uint h = key.Hash();
        bool tcp = _pi.Proto == FrameParser.ProtoTcp;
        bool rst = tcp && (_pi.TcpFlags & FrameParser.TcpRst) != 0;
        bool fin = tcp && (_pi.TcpFlags & FrameParser.TcpFin) != 0;

        int slot = _sess.Lookup(key, h, now, idle, close);
        if (slot >= 0)
        {
            _c.Inc(StatIndex.SessHits);
            ref var e = ref _sess[slot];
            // only the VTEP the flow was learned from (or decided towards) may touch a full entry from the network
            if (port == ModelFrame.Net && !verdict.HasValue && !e.Compact && !e.Act(1 - dir).IsEncapTo(_pi.OuterSip))
                return Drop(DropReason.VtepSpoof, false, true);
            var act = e.Act(dir);
            e.Pkts++;
            e.Bytes = (e.Bytes + sessLen) & ModelSessionEntry.BytesMask;
            e.Ts = now;
            if (!rst && fin) e.SetFin(dir);
            if (dir != (e.InitDir ? 1 : 0)) e.Est = true;
            // a compact entry stores no actions (docs/nezha-offload.md section 8): towards the VM deliver to the
            // attributed vNIC, an egress VERDICT carries its action, a frame from the VM has it recomputed
            var v = !e.Compact ? Act(frame, act, h, vni, false, true)
                  : verdict is { Dir: 1 } ev ? Act(frame, new ModelSessionAction((ActionType)ev.Act, 0, ev.Vtep, ev.Mac), h, vni, false, true)
                  : verdict.HasValue || port != ModelFrame.Host ? Act(frame, ModelSessionAction.Deliver(attributed), h, vni, false, true)
                  : Recompute(frame, attributed, vni, h);
            if (rst)
            {
                _sess.Delete(slot);
                _c.Inc(StatIndex.SessClosed);
            }
            return v;
        }

        _c.Inc(StatIndex.SessMisses);

        ModelSessionAction fwd, rev;
        bool allow;
        if (verdict is { } vd)
        {
            // VERDICT miss (back end): the context's actions, no rule evaluated (but a hairpin's)
            _c.VnicNewFlow(attributed, slowCycles);
            var dv = VerdictActions(vd, attributed, vni, out fwd, out rev);
            if (dv != null) return dv;
            allow = true;
        }
        else if (_offload.Mode(attributed) == OffloadMode.Be && Redirect(frame, port, attributed, vni, h) is { } rv)
        {
            return rv;
        }
        else if (port == ModelFrame.Host)
        {
            if (_offload.Mode(attributed) == OffloadMode.Be) _c.Inc(StatIndex.NzFallback);
            _c.VnicNewFlow(attributed, slowCycles);
            int s = attributed;
            if (HostRoute(vni, false, false, out fwd, out int local) is { } rd) return rd;
            allow = _acl.Evaluate(_vnics[s].AclSet, AclTable.Egress, _pi.Proto, _pi.Sip, _pi.Dip, _pi.Sport, _pi.Dport);
            if (allow && local >= 0)
                allow = _acl.Evaluate(_vnics[local].AclSet, AclTable.Ingress, _pi.Proto, _pi.Sip, _pi.Dip, _pi.Sport, _pi.Dport);
            rev = ModelSessionAction.Deliver(s);
        }
        else
        {
            if (_offload.Mode(attributed) == OffloadMode.Be) _c.Inc(StatIndex.NzFallback);
            _c.VnicNewFlow(attributed, slowCycles);
            int d = attributed;
            if (ReversePath(vni, _pi.OuterSip) is { } spoof) return spoof;
            allow = _acl.Evaluate(_vnics[d].AclSet, AclTable.Ingress, _pi.Proto, _pi.Sip, _pi.Dip, _pi.Sport, _pi.Dport);
            fwd = ModelSessionAction.Deliver(d);
            // replies go back in the tunnel type the frame arrived with
            rev = ModelSessionAction.Encap(_pi.OuterSip, _pi.EthSrc, _pi.Geneve ? TunnelType.Geneve : TunnelType.Vxlan);
        }
        if (!allow) return Drop(DropReason.AclDeny, true, false);

        if (!rst)
        {
            var ne = new ModelSessionEntry
            {
                Valid = true,
                InitDir = dir == 1,
                Est = false,
                Fin0 = dir == 0 && fin,
                Fin1 = dir == 1 && fin,
                Ts = now,
                Key = key,
                Pkts = 1,
                Bytes = sessLen & ModelSessionEntry.BytesMask,
                Act0 = dir == 0 ? fwd : rev,
                Act1 = dir == 0 ? rev : fwd,
                Hash = h,
                // an accepted VERDICT of a vNIC with COMPACT: a compact entry, unless a hairpin
                Compact = verdict is { } cv && _offload.Compact(attributed) && !(cv.Dir == 1 && cv.Vtep == _cfg.VtepIp),
            };
            _sess.Insert(ne, now, idle, close);
        }
        return Act(frame, fwd, h, vni, true, false);
    }

    /// <summary>
    /// Route (and mapping) of a host-port frame (4.6): the forward action and the local target (-1 for none), or
    /// the drop. <paramref name="hit"/> marks the drop of a compact hit's recompute. An FE copy
    /// (<paramref name="fe"/>, docs/nezha-offload.md section 4) never delivers: a LOCAL route gives
    /// ENCAP(VTEP_IP, the target's MAC) and a mapping is always an ENCAP, even to VTEP_IP.
    /// </summary>
    private ModelVerdict? HostRoute(uint vni, bool hit, bool fe, out ModelSessionAction fwd, out int local)
    {
        fwd = default;
        local = -1;
        int ri = _routes.Lookup(vni, _pi.Dip);
        if (ri < 0) return Drop(DropReason.NoRoute, true, hit);
        ref readonly var rt = ref _routes[ri];
        switch (rt.Type)
        {
            case RouteType.Drop:
                return Drop(DropReason.RouteDrop, true, hit);
            case RouteType.Local:
                int l = (int)rt.Value;
                if (!_vnics.Enabled(l)) return Drop(DropReason.NoRoute, true, hit);
                if (fe) fwd = ModelSessionAction.Encap(_cfg.VtepIp, _vnics[l].Mac, rt.Tunnel);
                else (local, fwd) = (l, ModelSessionAction.Deliver(l));
                return null;
            case RouteType.Vtep:
                fwd = ModelSessionAction.Encap(rt.Value, _pi.EthDst, rt.Tunnel);
                return null;
            default: // Mapped
                int mi = _map.Lookup(vni, _pi.Dip);
                if (mi < 0) return Drop(DropReason.NoMapping, true, hit);
                ref readonly var m = ref _map[mi];
                if (m.Vtep == _cfg.VtepIp && !fe)
                {
                    local = _vnics.FindByVniMac(vni, m.Mac);
                    if (local < 0) return Drop(DropReason.UnknownVnic, true, hit);
                    fwd = ModelSessionAction.Deliver(local);
                }
                else
                {
                    fwd = ModelSessionAction.Encap(m.Vtep, m.Mac, m.Tunnel);
                }
                return null;
        }
    }

    /// <summary>
    /// The reverse-path check of a net-port new flow (datapath-spec 4.6): the VTEP this NIC's route (and mapping)
    /// give for the inner IP source must be <paramref name="sender"/>. Null when it is, else the VTEP_SPOOF drop.
    /// </summary>
    private ModelVerdict? ReversePath(uint vni, uint sender)
    {
        int ri = _routes.Lookup(vni, _pi.Sip);
        if (ri < 0) return Drop(DropReason.VtepSpoof, true, false);
        ref readonly var rt = ref _routes[ri];
        uint expected;
        switch (rt.Type)
        {
            case RouteType.Vtep:
                expected = rt.Value;
                break;
            case RouteType.Mapped:
                int mi = _map.Lookup(vni, _pi.Sip);
                if (mi < 0) return Drop(DropReason.VtepSpoof, true, false);
                expected = _map[mi].Vtep;
                break;
            default:   // DROP, or LOCAL: a local VM never arrives from the network
                return Drop(DropReason.VtepSpoof, true, false);
        }
        return expected == sender ? null : Drop(DropReason.VtepSpoof, true, false);
    }

    /// <summary>IPv4 destinations in 224.0.0.0/3 (multicast, reserved, limited broadcast) are never forwarded (4.3).</summary>
    private static bool NotUnicast(uint dip) => dip >= 0xE000_0000u;

    private const int EcnNotEct = 0, EcnEct1 = 1, EcnEct0 = 2, EcnCe = 3;

    /// <summary>RFC 6040 section 4.2 for the inner ECN <paramref name="i"/> under an outer <paramref name="o"/> (Not-ECT under CE is dropped before).</summary>
    private static int CombineEcn(int o, int i) => o == EcnCe ? EcnCe : (o == EcnEct1 && i == EcnEct0) ? EcnEct1 : i;

    /// <summary>
    /// A frame from vNIC s that hit a compact entry (docs/nezha-offload.md section 8): the action from the route
    /// and mapping, without the egress ACL of s (the flow is established) and without an insert; a local target's
    /// ingress ACL still runs. No NEW_FLOWS (the monitor reports the slow-path cycles).
    /// </summary>
    private ModelVerdict Recompute(ReadOnlySpan<byte> frame, int s, uint vni, uint h)
    {
        if (HostRoute(vni, true, false, out var fwd, out int local) is { } rd) return rd;
        if (local >= 0 && !_acl.Evaluate(_vnics[local].AclSet, AclTable.Ingress, _pi.Proto, _pi.Sip, _pi.Dip, _pi.Sport, _pi.Dport))
            return Drop(DropReason.AclDeny, true, true);
        return Act(frame, fwd, h, vni, true, true);
    }

    // 4.7
    private ModelVerdict Act(ReadOnlySpan<byte> frame, in ModelSessionAction a, uint hash, uint vni, bool slow, bool hit)
    {
        switch (a.Type)
        {
            case ActionType.Deliver:
            {
                int j = a.Vnic;
                if (!_vnics.Enabled(j)) return Drop(DropReason.UnknownVnic, slow, hit);
                if (HeaderBuilder.DeliverHdrLen + IpLen > _cfg.VmMtu) return Drop(DropReason.Oversize, slow, hit);
                var o = HeaderBuilder.Deliver(frame[.._pi.IpEnd], _pi.L3Off, _vnics[j].Mac, _cfg.GwMac, _pi.Ecn);
                _c.VnicTx(j, o.Length);
                return Emit(ModelFrame.Host, o, (uint)j, slow, hit);
            }
            case ActionType.Encap:
            case ActionType.EncapGeneve:
            {
                if (HeaderBuilder.EncapHdrLen + IpLen > _cfg.Mtu) return Drop(DropReason.Oversize, slow, hit);
                var o = HeaderBuilder.Encap(frame[.._pi.IpEnd], _pi.L3Off, _cfg.NhMac, _cfg.NicMac, _cfg.VtepIp, a.Vtep, hash, vni,
                                            a.Mac, _pi.EthSrc, a.Tunnel, _pi.Ecn);
                return Emit(ModelFrame.Net, o, 0, slow, hit);
            }
            default:
                // A live entry always carries DELIVER or ENCAP(_GENEVE) in both directions; NONE cannot be reached.
                throw new InvalidOperationException("session action NONE");
        }
    }

    /// <summary>Total length of the IP packet being forwarded (plain or inner).</summary>
    private int IpLen => _pi.IpEnd - _pi.L3Off;

    private ModelVerdict Exception(ReadOnlySpan<byte> frame, ExceptionReason why, int vnic)
    {
        _c.Exception(why);
        return new ModelVerdict(DropReason.None, why, Output(ModelFrame.Host, HeaderBuilder.Padded(frame),
            (uint)vnic | ((uint)why << Params.VnicW)), false, false);
    }

    private ModelVerdict Emit(int port, byte[] data, uint tuser, bool slow, bool hit)
        => new(DropReason.None, ExceptionReason.None, Output(port, data, tuser), slow, hit);

    private ModelFrame Output(int port, byte[] data, uint tuser)
    {
        if (port == ModelFrame.Net) { _c.Inc(StatIndex.NetTxPkts); _c.Inc(StatIndex.NetTxBytes, (ulong)data.Length); }
        else { _c.Inc(StatIndex.HostTxPkts); _c.Inc(StatIndex.HostTxBytes, (ulong)data.Length); }
        return new ModelFrame(port, data, tuser);
    }

    private ModelVerdict Drop(DropReason r, bool slow = false, bool hit = false)
    {
        _c.Drop(r);
        return _dropVerdicts[(int)r * 4 + (slow ? 2 : 0) + (hit ? 1 : 0)];
    }
}
