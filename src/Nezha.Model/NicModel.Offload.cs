using Nezha.Common.Registers;

namespace Nezha.Verify.Model;

// The Nezha offload (docs/nezha-offload.md sections 1-6): context packets on the net port, the back end's
// REDIRECT and VERDICT handling, the front end's stateless processing of REQUESTs, and the probe rounds.
public sealed partial class NicModel
{
    /// <summary>A frame taken in without an output or a drop reason (a PROBE_REPLY).</summary>
    private static readonly ModelVerdict Consumed = new(DropReason.None, ExceptionReason.None, null, false, false);

    /// <summary>Offload entry of vNIC <paramref name="v"/>.</summary>
    public ModelOffloadEntry Offload(int v) => _offload[v];

    /// <summary>FE group <paramref name="g"/>.</summary>
    public ModelFeGroup FeGroup(int g) => _groups[g];

    /// <summary>Alive mask of FE group <paramref name="g"/> (bit m = member m).</summary>
    public uint FeAliveMask(int g) => _groups.AliveMask(g);

    /// <summary>
    /// A probe round at tick <paramref name="tick"/> (the monitor reports it in processing order): expiry of the
    /// members (FE_DOWN), then one PROBE per member of every group, in group and member order.
    /// </summary>
    public IReadOnlyList<ModelFrame> ProbeRound(ushort tick)
    {
        int down = _groups.Round(tick);
        _c.Inc(StatIndex.FeDown, (ulong)down);
        var frames = new List<ModelFrame>();
        for (int g = 0; g < _groups.Count; g++)
        {
            var grp = _groups[g];
            for (int m = 0; m < grp.Count; m++)
            {
                _c.Inc(StatIndex.ProbesTx);
                frames.Add(Output(ModelFrame.Net, ContextFrames.Probe(_cfg, grp.Vtep(m), tick), 0));
            }
        }
        return frames;
    }

    // ---------------------------------------------------------------- net port: context packets

    /// <summary>PROBE: answered to the prober with the same data (KIND = PROBE_REPLY), VNI 0, no inner payload.</summary>
    private ModelVerdict ProbeReply(in ContextOption probe)
    {
        var reply = probe with { Kind = ContextKind.ProbeReply };
        var o = ContextFrames.Build(ReadOnlySpan<byte>.Empty, 0, _cfg, _pi.OuterSip, _pi.OuterUdpSport, 0, reply, 0, 0, 0);
        _c.Inc(StatIndex.ProbeRepliesTx);
        return Emit(ModelFrame.Net, o, 0, false, false);
    }

    /// <summary>PROBE_REPLY: refreshes the sender's liveness and is discarded.</summary>
    private ModelVerdict ProbeReplyRx(ushort now)
    {
        _groups.Refresh(_pi.OuterSip, now);
        _c.Inc(StatIndex.ProbeRepliesRx);
        return Consumed;
    }

    /// <summary>REQUEST on the front end (section 3 step 3, section 4 "FE").</summary>
    private ModelVerdict FeRequest(FrameParser fp, ReadOnlySpan<byte> frame, in ContextOption ctx, ushort slowCycles)
    {
        int j = _offload.FindCopy(_pi.OuterSip, ctx.Vnic);
        if (j < 0) return Drop(DropReason.CtxSpoof);
        if (ctx.Version != _offload[j].Version) return Drop(DropReason.CtxStale);
        ref readonly var vj = ref _vnics[j];
        if (_pi.Vni != vj.Vni) return Drop(DropReason.CtxSpoof);
        if (ctx.Dir == 1 && (_pi.EthSrc != vj.Mac || _pi.Sip != vj.Ip)) return Drop(DropReason.Spoof);
        var r = fp.L4(ref _pi);
        if (r != DropReason.None) return Drop(r);

        _c.VnicNewFlow(j, slowCycles);
        ModelSessionAction fwd = default;
        bool allow;
        if (ctx.Dir == 1)
        {
            // the slow path of a host-port frame from j; a local target becomes ENCAP(VTEP_IP, mac)
            if (HostRoute(vj.Vni, false, true, out fwd, out _) is { } rd) return rd;
            allow = _acl.Evaluate(vj.AclSet, AclTable.Egress, _pi.Proto, _pi.Sip, _pi.Dip, _pi.Sport, _pi.Dport);
        }
        else
        {
            // the reverse-path check with the sender the BE saw (the context's VTEP)
            if (ReversePath(vj.Vni, ctx.Vtep) is { } spoof) return spoof;
            allow = _acl.Evaluate(vj.AclSet, AclTable.Ingress, _pi.Proto, _pi.Sip, _pi.Dip, _pi.Sport, _pi.Dport);
        }
        if (!allow) return Drop(DropReason.AclDeny, true, false);
        if (ContextOption.PacketHeaderLen + IpLen > _cfg.Mtu) return Drop(DropReason.Oversize, true, false);

        var verdict = ctx.Dir == 1
            ? ctx with { Kind = ContextKind.Verdict, Vtep = fwd.Vtep, Mac = fwd.Mac, Act = (byte)fwd.Type }
            : ctx with { Kind = ContextKind.Verdict, Mac = 0, Act = 0 };
        var o = ContextFrames.Build(frame[.._pi.IpEnd], _pi.L3Off, _cfg, _pi.OuterSip, _pi.OuterUdpSport, _pi.Vni, verdict,
                                    _pi.EthDst, _pi.EthSrc, _pi.Ecn);
        _c.Inc(StatIndex.NzVerdictsTx);
        return Emit(ModelFrame.Net, o, 0, true, false);
    }

    /// <summary>VERDICT on the back end (section 3 step 4, section 4 "BE"): then the session stage.</summary>
    private ModelVerdict BeVerdict(FrameParser fp, ReadOnlySpan<byte> frame, in ContextOption ctx, ushort now, ushort slowCycles)
    {
        int v = ctx.Vnic;
        if (v >= Params.NVnic || _offload[v].Mode is not (OffloadMode.Be or OffloadMode.Drain) ||
            _groups.MemberOf(_offload[v].Group, _pi.OuterSip) < 0 || ctx.BeId != _cfg.VtepIp)
            return Drop(DropReason.CtxSpoof);
        if (ctx.Version != _offload[v].Version) return Drop(DropReason.CtxStale);
        if (_pi.Vni != _vnics[v].Vni) return Drop(DropReason.CtxSpoof);
        var r = fp.L4(ref _pi);
        if (r != DropReason.None) return Drop(r);
        _groups.Refresh(_pi.OuterSip, now);
        _c.Inc(StatIndex.NzVerdictsRx);
        return SessionStage(frame, ModelFrame.Net, v, _pi.Vni, now, slowCycles, ctx);
    }

    /// <summary>
    /// The actions of an accepted VERDICT that missed (section 4 "BE"); null when they are set, else the drop.
    /// A hairpin (egress to this VTEP) is resolved locally: the target's ingress ACL, DELIVER.
    /// </summary>
    private ModelVerdict? VerdictActions(in ContextOption ctx, int v, uint vni, out ModelSessionAction fwd, out ModelSessionAction rev)
    {
        if (ctx.Dir == 1)
        {
            rev = ModelSessionAction.Deliver(v);
            if (ctx.Vtep == _cfg.VtepIp)
            {
                fwd = default;
                int j = _vnics.FindByVniMac(vni, ctx.Mac);
                if (j < 0) return Drop(DropReason.UnknownVnic, true, false);
                if (!_acl.Evaluate(_vnics[j].AclSet, AclTable.Ingress, _pi.Proto, _pi.Sip, _pi.Dip, _pi.Sport, _pi.Dport))
                    return Drop(DropReason.AclDeny, true, false);
                fwd = ModelSessionAction.Deliver(j);
            }
            else
            {
                fwd = new ModelSessionAction((ActionType)ctx.Act, 0, ctx.Vtep, ctx.Mac);
            }
        }
        else
        {
            fwd = ModelSessionAction.Deliver(v);
            rev = ModelSessionAction.Encap(ctx.Vtep, _pi.EthSrc, ctx.Tun);
        }
        return null;
    }

    /// <summary>
    /// Session miss of a back-end vNIC <paramref name="v"/>: REDIRECT to the selected FE (null when no member is
    /// alive, or when the REQUEST would not fit the MTU: the caller counts NZ_FALLBACK and runs the local slow path).
    /// </summary>
    private ModelVerdict? Redirect(ReadOnlySpan<byte> frame, int port, int v, uint vni, uint hash)
    {
        if (ContextOption.PacketHeaderLen + IpLen > _cfg.Mtu) return null;
        ref readonly var ol = ref _offload[v];
        int m = _groups.Select(ol.Group, hash);
        if (m < 0) return null;
        uint fe = _groups[ol.Group].Vtep(m);
        int dir = port == ModelFrame.Host ? 1 : 0;
        var ctx = new ContextOption(ContextKind.Request,
            ContextOption.MakeFlags(dir, dir == 0 && _pi.Geneve ? TunnelType.Geneve : TunnelType.Vxlan),
            (byte)v, ol.Version, _cfg.VtepIp, dir == 0 ? _pi.OuterSip : 0, 0, 0);
        var o = ContextFrames.Build(frame[.._pi.IpEnd], _pi.L3Off, _cfg, fe, (ushort)(HeaderBuilder.EncapUdpSrcBase | (hash & 0x3FFF)),
                                    vni, ctx, _pi.EthDst, _pi.EthSrc, _pi.Ecn);
        _c.Inc(StatIndex.NzRedirects);
        return Emit(ModelFrame.Net, o, 0, false, false);
    }
}
