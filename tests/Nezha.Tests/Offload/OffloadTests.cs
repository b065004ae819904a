using System.Buffers.Binary;
using Nezha.Driver;
using Nezha.Common.Registers;
using Nezha.Verify.Testbench;
using NUnit.Framework;
using static Nezha.Verify.Testbench.FrameBuilder;

namespace Nezha.Tests.Offload;

/// <summary>
/// docs/nezha-offload.md sections 1-6 on several NICs (w64) joined by <see cref="OffloadFabric"/>: NIC A is the
/// back end of vNIC 0 (the standard topology's VM 10.0.0.10 in VPC 100), NICs F1..Fn hold FE copies of it.
/// Every NIC runs against its golden model (frames, counters, registers; zero mismatches).
/// </summary>
public class OffloadTests
{
    private const int Version = 1;
    private const int CopyIndex = 1;          // the FE copy's vNIC index on every FE (not the BE's index on purpose)
    private OffloadFabric _fab = null!;
    private FabricNic _a = null!;
    private List<FabricNic> _fes = null!;
    private readonly Topology _t = new();

    private LocalVm Vm0 => _t.Vms[0];
    private RemoteVm Remote => _t.Remotes[0];

    private static uint FeVtep(int i) => Ip("192.168.100.11") + (uint)i;
    private static ulong FeMac(int i) => Mac("02:00:00:00:00:11") + (ulong)i;

    [TearDown]
    public void TearDown() => _fab?.Dispose();

    /// <summary>A (BE) with the standard topology and <paramref name="fes"/> FEs with a copy of vNIC 0.</summary>
    private void Build(int fes, bool offload = true)
    {
        _fab = new OffloadFabric();
        ulong seed = (ulong)TestContext.CurrentContext.Random.NextULong();
        _a = _fab.Add("A", Topology.Vtep, Topology.NicMac, seed);
        var info = _a.D.Discover();
        _t.Program(_a.D, info);
        _a.B.Bus.Write32(NezhaRegs.CONFIG_TICK_CYCLES, 0);     // external tick: time moves only with pulses
        _fes = new List<FabricNic>();
        for (int i = 0; i < fes; i++)
        {
            var f = _fab.Add($"F{i + 1}", FeVtep(i), FeMac(i), seed + 1 + (ulong)i);
            ProgramFe(f);
            _fes.Add(f);
        }
        if (offload) MakeBe(Version);
        foreach (var n in _fab.Nics) n.B.AssertClean();
    }

    /// <summary>An FE: own addresses; ACL sets, routes and mappings of VPC 100 as on A; the copy of vNIC 0.</summary>
    private void ProgramFe(FabricNic f, int version = Version)
    {
        var d = f.D;
        var info = d.Discover();
        d.Configure(new NicGlobalConfig(f.Mac, f.Vtep, Topology.NextHopMac, Topology.GatewayMac, info.MtuMax, 1000, 100, 0));
        // ACL set 0 and the VPC 100 routes of the standard topology, at the same indexes
        for (int i = 0; i < _t.AclSets[0].Length; i++) d.WriteAclRule(0, i, _t.AclSets[0][i]);
        d.SetAclCount(0, _t.AclSets[0].Length);
        for (int i = 0; i < _t.Routes.Length; i++)
            if (_t.Routes[i].Vni == 100) d.WriteRoute(i, _t.Routes[i]);
        foreach (var vm in _t.Vms.Where(v => v.Vni == 100))
            d.AddMapping(new MappingEntry(true, vm.Vni, vm.Ip, Topology.Vtep, vm.Mac));
        foreach (var r in _t.Remotes.Where(r => r.Vni == 100))
            d.AddMapping(new MappingEntry(true, r.Vni, r.Ip, r.Vtep, r.Mac));
        // the copy: enabled in the vNIC table on purpose (MODE = FE makes it inert as a vNIC)
        d.WriteVnic(CopyIndex, new VnicEntry(true, Vm0.Vni, Vm0.Mac, Vm0.Ip, Vm0.Gateway, Vm0.AclSet));
        d.WriteOffload(CopyIndex, new OffloadEntry(OffloadMode.Fe, 0, (byte)version, 0, Topology.Vtep));
    }

    private void MakeBe(int version, int group = 0, bool compact = false)
    {
        _a.D.WriteFeGroup(group, FeGroupEntry.Of(_fes.Select(f => f.Vtep).ToArray()));
        _a.D.WriteOffload(0, new OffloadEntry(OffloadMode.Be, group, (byte)version, 0, 0, compact));
    }

    /// <summary>A's session entry of a TCP flow of VPC 100 as read back from the card (checked against the model).</summary>
    private SessionEntryView SessionOf(uint sip, ushort sport, uint dip, ushort dport)
    {
        int slot = _a.B.Model.FindSession(100, IpProto.Tcp, sip, sport, dip, dport, (ushort)_a.D.ReadTick());
        Assert.That(slot, Is.GreaterThanOrEqualTo(0), "the flow has a session on A");
        _a.B.CompareSessionTable(new[] { slot });
        return _a.D.ReadSession(slot);
    }

    private void FromVm0(byte[] frame) => _a.B.SendFromVm(0, frame);
    private byte[] Syn(ushort sport, ushort dport = 80, uint? dst = null) =>
        _t.FromVmTcp(Vm0, dst ?? Remote.Ip, sport, dport, TcpFlags.Syn, payload: 20);

    private List<FabricHop> HopsSince(int n) => _fab.Hops.Skip(n).ToList();

    /// <summary>The inner frame of an egress context: vNIC 0's VM to <paramref name="dst"/> (the remote VM by default), TCP to port 80.</summary>
    private byte[] InnerOut(ushort sport, byte flags, int payload, uint? dst = null) =>
        Ethernet(Topology.GatewayMac, Vm0.Mac, 0x0800, Ipv4(Vm0.Ip, dst ?? Remote.Ip, IpProto.Tcp, Tcp(sport, 80, flags, Payload(payload))));

    /// <summary>The inner frame of an ingress context: the remote VM's port 80 to vNIC 0's VM.</summary>
    private byte[] InnerIn(ushort dport, byte flags, int payload) =>
        Ethernet(Vm0.Mac, Remote.Mac, 0x0800, Ipv4(Remote.Ip, Vm0.Ip, IpProto.Tcp, Tcp(80, dport, flags, Payload(payload))));

    /// <summary>A context packet from FE <paramref name="fe"/> to the BE A, in VNI <paramref name="vni"/>.</summary>
    private void FeToA(FabricNic fe, byte[] option, byte[] inner, uint vni = 100) =>
        _a.B.Send(NicBench.Net, Ctx.Packet(fe.Vtep, Topology.Vtep, Topology.NicMac, vni, option, inner));

    // =========================================================================================== paths

    [Test]
    public void NewOutboundFlowIsDecidedByAnFeThenEstablishedPacketsGoDirect()
    {
        Build(fes: 2);
        FromVm0(Syn(40000));
        _fab.Run();
        var hops = _fab.Hops;
        Assert.That(hops.Select(h => h.Kind), Is.EqualTo(new[] { Ctx.Request, Ctx.Verdict, 0 }), "REQUEST, VERDICT, then the flow");
        var fe = hops[0].To!;
        Assert.That(_fes, Does.Contain(fe));
        var rq = Ctx.Parse(hops[0].Frame);
        Assert.That((rq.Flags, rq.Vnic, rq.Version, rq.BeId), Is.EqualTo((1, 0, Version, Topology.Vtep)));
        var vd = Ctx.Parse(hops[1].Frame);
        Assert.That(hops[1].From, Is.EqualTo(fe));
        Assert.That((vd.Flags, vd.Vtep, vd.Mac, vd.Act), Is.EqualTo((1, Remote.Vtep, Remote.Mac, (int)ActionType.Encap)));
        Assert.That(hops[2].Dst, Is.EqualTo(Remote.Vtep), "the BE encapsulates to the remote host itself");
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(hops[2].Frame.AsSpan(36)), Is.EqualTo(4789));
        Assert.That(_a.Stat(StatIndex.NzRedirects), Is.EqualTo(1));
        Assert.That(_a.Stat(StatIndex.NzVerdictsRx), Is.EqualTo(1));
        Assert.That(_a.Stat(StatIndex.SessInserts), Is.EqualTo(1));
        Assert.That(fe.Stat(StatIndex.NzVerdictsTx), Is.EqualTo(1));
        Assert.That(fe.Stat(StatIndex.SessInserts), Is.EqualTo(0), "the FE keeps no state");
        Assert.That(fe.D.ReadVnicCounters(CopyIndex).NewFlows, Is.EqualTo(1), "the FE's load shows in its copy");
        Assert.That(_a.D.ReadVnicCounters(0).NewFlows, Is.EqualTo(1));

        // established: both directions hit on the BE, no FE traffic
        int n = _fab.Hops.Count;
        FromVm0(_t.FromVmTcp(Vm0, Remote.Ip, 40000, 80, TcpFlags.Ack, payload: 100));
        _a.B.Send(NicBench.Net, _t.FromRemoteTcp(Remote, Vm0, 80, 40000, TcpFlags.Syn | TcpFlags.Ack, payload: 10));
        _fab.Run();
        Assert.That(HopsSince(n).Select(h => h.Dst), Is.EqualTo(new[] { Remote.Vtep }));
        Assert.That(_a.Host.Select(h => h.TUser), Is.EqualTo(new[] { 0u }), "the reply is delivered to vNIC 0");
        Assert.That(_a.Stat(StatIndex.SessHits), Is.EqualTo(2));
        Assert.That(_a.Stat(StatIndex.NzRedirects), Is.EqualTo(1));
        _fab.CheckAll();
    }

    [Test]
    public void TheFeChecksTheOriginalSendersVtepOfAnIngressRequest()
    {
        Build(fes: 1);
        var f1 = _fes[0];
        // a remote VM's SYN from a VTEP that does not host it: the BE redirects (it decides nothing for an
        // offloaded vNIC), the FE's reverse-path check against the context's VTEP refuses it
        var impostor = Remote with { Vtep = _t.Remotes[1].Vtep };
        _a.B.Send(NicBench.Net, _t.FromRemoteTcp(impostor, Vm0, 50000, 22, TcpFlags.Syn));
        _fab.Run();
        Assert.That(_fab.Hops.Select(h => h.Kind), Is.EqualTo(new[] { Ctx.Request }), "no VERDICT comes back");
        Assert.That(f1.Stat(StatIndex.VtepSpoof), Is.EqualTo(1));
        Assert.That(f1.Stat(StatIndex.NzVerdictsTx), Is.Zero);
        Assert.That(_a.Stat(StatIndex.SessInserts), Is.Zero, "the BE learned no reply VTEP");
        Assert.That(_a.Host, Is.Empty);
        // the real sender's SYN is decided and delivered
        _a.B.Send(NicBench.Net, _t.FromRemoteTcp(Remote, Vm0, 50001, 22, TcpFlags.Syn));
        _fab.Run();
        Assert.That(_a.Host, Has.Count.EqualTo(1));
        var e = SessionOf(Remote.Ip, 50001, Vm0.Ip, 22);
        Assert.That(new[] { e.Act0, e.Act1 }, Does.Contain(new SessionAction(ActionType.Encap, 0, Remote.Vtep, Remote.Mac)),
                    "the reply VTEP is the real sender's");
        _fab.CheckAll();
    }

    [Test]
    public void AFirstPacketTooLargeForTheContextFallsBackToTheBackEndsSlowPath()
    {
        Build(fes: 1);
        // MTU 1600 with VM_MTU 1550: a 1550-byte first packet fits the tunnel (1600) but not a REQUEST (1624)
        _a.D.Configure(new NicGlobalConfig(Topology.NicMac, Topology.Vtep, Topology.NextHopMac, Topology.GatewayMac, 1600, 1000, 100, 0));
        var big = _t.FromVmTcp(Vm0, Remote.Ip, 41000, 80, TcpFlags.Syn, payload: 1550 - 54);
        Assert.That(big.Length, Is.EqualTo(1550));
        FromVm0(big);
        _fab.Run();
        Assert.That(_fab.Hops.Select(h => (h.Kind, h.Dst)), Is.EqualTo(new[] { (0, Remote.Vtep) }), "no detour: encapsulated by the BE itself");
        Assert.That(_fab.Hops[0].Frame.Length, Is.EqualTo(1600));
        Assert.That(_a.Stat(StatIndex.NzFallback), Is.EqualTo(1));
        Assert.That(_a.Stat(StatIndex.NzRedirects), Is.Zero);
        // a first packet that fits the REQUEST still takes the detour
        FromVm0(_t.FromVmTcp(Vm0, Remote.Ip, 41001, 80, TcpFlags.Syn, payload: 1600 - 88 - 40));
        _fab.Run();
        Assert.That(_a.Stat(StatIndex.NzRedirects), Is.EqualTo(1));
        Assert.That(_fab.Hops.Skip(1).First().Frame.Length, Is.EqualTo(1600), "a REQUEST of exactly MTU bytes");
        _fab.CheckAll();
    }

    [Test]
    public void NewInboundFlowsPassTheFeIngressAcl()
    {
        Build(fes: 2);
        // allowed (TCP 22)
        _a.B.Send(NicBench.Net, _t.FromRemoteTcp(Remote, Vm0, 50000, 22, TcpFlags.Syn, payload: 30));
        _fab.Run();
        Assert.That(_fab.Hops.Select(h => h.Kind), Is.EqualTo(new[] { Ctx.Request, Ctx.Verdict }));
        var rq = Ctx.Parse(_fab.Hops[0].Frame);
        Assert.That((rq.Flags, rq.Vtep), Is.EqualTo((0, Remote.Vtep)), "ingress, with the sender's VTEP");
        Assert.That(_a.Host, Has.Count.EqualTo(1));
        Assert.That(ReadMac(_a.Host[0].Data), Is.EqualTo(Vm0.Mac));
        // the VM's answer hits the session and goes straight back to the sender
        int n = _fab.Hops.Count;
        FromVm0(_t.FromVmTcp(Vm0, Remote.Ip, 22, 50000, TcpFlags.Syn | TcpFlags.Ack));
        _fab.Run();
        Assert.That(HopsSince(n).Select(h => (h.Kind, h.Dst)), Is.EqualTo(new[] { (0, Remote.Vtep) }));

        // denied (TCP 443): dropped and counted on the FE, nothing comes back
        n = _fab.Hops.Count;
        _a.B.Send(NicBench.Net, _t.FromRemoteTcp(Remote, Vm0, 50001, 443, TcpFlags.Syn));
        _fab.Run();
        var h2 = HopsSince(n);
        Assert.That(h2.Select(h => h.Kind), Is.EqualTo(new[] { Ctx.Request }));
        var fe = h2[0].To!;
        Assert.That(fe.Stat(StatIndex.AclDeny), Is.EqualTo(1));
        Assert.That(fe.D.ReadVnicCounters(CopyIndex).NewFlows, Is.GreaterThanOrEqualTo(1));
        Assert.That(_a.Host, Has.Count.EqualTo(1), "nothing delivered for the denied flow");
        Assert.That(_a.Stat(StatIndex.AclDeny), Is.EqualTo(0));
        _fab.CheckAll();
    }

    [Test]
    public void HairpinToAnotherVmOfTheBackEndIsResolvedOnTheBackEnd()
    {
        Build(fes: 1);
        var vm2 = _t.Vms[2];   // local on A, VPC 100, ACL set 0 (ingress TCP 80 allowed, 443 denied)
        FromVm0(_t.FromVmTcp(Vm0, vm2.Ip, 40100, 80, TcpFlags.Syn));
        _fab.Run();
        Assert.That(_fab.Hops.Select(h => (h.Kind, h.To?.Name)), Is.EqualTo(new[] { (Ctx.Request, "F1"), (Ctx.Verdict, "A") }));
        var vd = Ctx.Parse(_fab.Hops[1].Frame);
        Assert.That((vd.Vtep, vd.Mac), Is.EqualTo((Topology.Vtep, vm2.Mac)), "the FE's verdict: encapsulate to the BE");
        Assert.That(_a.Host.Select(h => h.TUser), Is.EqualTo(new[] { (uint)vm2.Vnic }), "the BE delivers it locally");
        // the answer hits the same session on the BE
        _a.B.SendFromVm(vm2.Vnic, _t.FromVmTcp(vm2, Vm0.Ip, 80, 40100, TcpFlags.Syn | TcpFlags.Ack));
        _fab.Run();
        Assert.That(_a.Host.Select(h => h.TUser), Is.EqualTo(new[] { (uint)vm2.Vnic, 0u }));
        Assert.That(_fab.Hops, Has.Count.EqualTo(2));
        // the target's own ingress rules are still applied (by the BE)
        FromVm0(_t.FromVmTcp(Vm0, vm2.Ip, 40101, 443, TcpFlags.Syn));
        _fab.Run();
        Assert.That(_a.Stat(StatIndex.AclDeny), Is.EqualTo(1));
        Assert.That(_a.Host, Has.Count.EqualTo(2));
        _fab.CheckAll();
    }

    // =================================================================================== compact mode

    [Test]
    public void ACompactBackEndKeepsStateOnlyAndForwardsBothDirectionsWithoutTheFes()
    {
        Build(fes: 2);
        MakeBe(Version, compact: true);
        Assert.That(_a.D.ReadOffload(0).Compact, Is.True);

        // a new outbound flow takes the detour as before; its entry on A is compact
        FromVm0(Syn(40000));
        _fab.Run();
        Assert.That(_fab.Hops.Select(h => h.Kind), Is.EqualTo(new[] { Ctx.Request, Ctx.Verdict, 0 }));
        var e = SessionOf(Vm0.Ip, 40000, Remote.Ip, 80);
        Assert.That((e.Compact, e.Act0.Type, e.Act1.Type, e.Pkts), Is.EqualTo((true, ActionType.None, ActionType.None, 1u)),
            "key and state only");

        // established: from the VM the BE finds the action in its own route and mapping (no FE, no new flow);
        // towards the VM it delivers to the vNIC
        int n = _fab.Hops.Count;
        FromVm0(_t.FromVmTcp(Vm0, Remote.Ip, 40000, 80, TcpFlags.Ack, payload: 100));
        _a.B.Send(NicBench.Net, _t.FromRemoteTcp(Remote, Vm0, 80, 40000, TcpFlags.Syn | TcpFlags.Ack, payload: 10));
        _fab.Run();
        Assert.That(HopsSince(n).Select(h => (h.Kind, h.Dst)), Is.EqualTo(new[] { (0, Remote.Vtep) }), "straight to the remote host");
        Assert.That(_a.Host.Select(h => h.TUser), Is.EqualTo(new[] { 0u }));
        Assert.That(_a.Stat(StatIndex.SessHits), Is.EqualTo(2));
        Assert.That(_a.D.ReadVnicCounters(0).NewFlows, Is.EqualTo(1), "a recompute is not a new flow");
        e = SessionOf(Vm0.Ip, 40000, Remote.Ip, 80);
        Assert.That((e.Compact, e.Pkts, e.Established), Is.EqualTo((true, 3u, true)));

        // a new inbound flow: compact too; the VM's answer is encapsulated to the remote host from the mapping
        _a.B.Send(NicBench.Net, _t.FromRemoteTcp(Remote, Vm0, 50000, 22, TcpFlags.Syn, payload: 30));
        _fab.Run();
        Assert.That(SessionOf(Remote.Ip, 50000, Vm0.Ip, 22).Compact, Is.True);
        n = _fab.Hops.Count;
        FromVm0(_t.FromVmTcp(Vm0, Remote.Ip, 22, 50000, TcpFlags.Syn | TcpFlags.Ack));
        _fab.Run();
        Assert.That(HopsSince(n).Select(h => (h.Kind, h.Dst)), Is.EqualTo(new[] { (0, Remote.Vtep) }));

        // a hairpin to another VM of A still gets a full entry (its other side is a local vNIC)
        var vm2 = _t.Vms[2];
        FromVm0(_t.FromVmTcp(Vm0, vm2.Ip, 40100, 80, TcpFlags.Syn));
        _fab.Run();
        Assert.That(SessionOf(Vm0.Ip, 40100, vm2.Ip, 80).Compact, Is.False);

        // reverted to LOCAL: the compact flows keep working, their egress actions still recomputed
        _a.D.WriteOffload(0, OffloadEntry.Local);
        n = _fab.Hops.Count;
        FromVm0(_t.FromVmTcp(Vm0, Remote.Ip, 40000, 80, TcpFlags.Fin | TcpFlags.Ack));
        _a.B.Send(NicBench.Net, _t.FromRemoteTcp(Remote, Vm0, 80, 40000, TcpFlags.Fin | TcpFlags.Ack));
        _fab.Run();
        Assert.That(HopsSince(n).Select(h => (h.Kind, h.Dst)), Is.EqualTo(new[] { (0, Remote.Vtep) }));
        Assert.That(_a.Host, Has.Count.EqualTo(4), "the remote's FIN delivered too");
        e = SessionOf(Vm0.Ip, 40000, Remote.Ip, 80);
        Assert.That((e.Compact, e.Fin0, e.Fin1), Is.EqualTo((true, true, true)));
        Assert.That(_a.D.ReadVnicCounters(0).NewFlows, Is.EqualTo(3));
        _a.B.CompareSessionTable();
        _fab.CheckAll();
    }

    [Test]
    public void ACompactHitFromTheVmFollowsTheRoutesAndStillHonoursALocalTargetsIngressRules()
    {
        Build(fes: 1);
        MakeBe(Version, compact: true);
        FromVm0(Syn(40300, dport: 443));
        _fab.Run();
        Assert.That(SessionOf(Vm0.Ip, 40300, Remote.Ip, 443).Compact, Is.True);
        byte[] Next(int payload) => _t.FromVmTcp(Vm0, Remote.Ip, 40300, 443, TcpFlags.Ack, payload: payload);

        // the remote VM moves behind another VTEP: established packets follow the new mapping
        uint moved = Ip("192.168.100.77");
        _a.D.AddMapping(new MappingEntry(true, 100, Remote.Ip, moved, Remote.Mac));
        int n = _fab.Hops.Count;
        FromVm0(Next(1));
        _fab.Run();
        Assert.That(HopsSince(n).Select(h => h.Dst), Is.EqualTo(new[] { moved }));

        // the address now names a VM of A: its ingress rules (ACL set 0: TCP 22 and 80 only) still decide
        var vm2 = _t.Vms[2];
        _a.D.AddMapping(new MappingEntry(true, 100, Remote.Ip, Topology.Vtep, vm2.Mac));
        FromVm0(Next(2));
        _fab.Run();
        Assert.That(_a.Stat(StatIndex.AclDeny), Is.EqualTo(1), "denied by the local target's ingress ACL");
        Assert.That(_a.Host, Is.Empty);

        // no mapping: dropped and counted, the entry stays
        _a.D.RemoveMapping(100, Remote.Ip);
        FromVm0(Next(3));
        _fab.Run();
        Assert.That(_a.Stat(StatIndex.NoMapping), Is.EqualTo(1));
        var e = SessionOf(Vm0.Ip, 40300, Remote.Ip, 443);
        Assert.That((e.Compact, e.Pkts), Is.EqualTo((true, 4u)), "every packet counted in the flow's state");
        Assert.That(_a.D.ReadVnicCounters(0).NewFlows, Is.EqualTo(1));
        _fab.CheckAll();
    }

    // =================================================================================== anti-spoofing

    [Test]
    public void SpoofedStaleAndMalformedContextsAreDropped()
    {
        Build(fes: 1);
        var f1 = _fes[0];
        byte[] innerOut = InnerOut(40200, TcpFlags.Syn, 8);
        byte[] innerIn = InnerIn(40200, TcpFlags.Syn | TcpFlags.Ack, 8);
        uint a = Topology.Vtep, rogue = Ip("192.168.100.77");
        void ToF1(byte[] f) => f1.B.Send(NicBench.Net, f);
        void ToA(byte[] f) => _a.B.Send(NicBench.Net, f);

        // REQUEST from an address that is no registered BE; for a vNIC the BE does not have; wrong VNI;
        // stale version; egress with a source that is not the VM
        ToF1(Ctx.Packet(rogue, f1.Vtep, f1.Mac, 100, Ctx.Option(Ctx.Request, 1, 0, Version, rogue), innerOut));
        ToF1(Ctx.Packet(a, f1.Vtep, f1.Mac, 100, Ctx.Option(Ctx.Request, 1, 5, Version, a), innerOut));
        ToF1(Ctx.Packet(a, f1.Vtep, f1.Mac, 200, Ctx.Option(Ctx.Request, 1, 0, Version, a), innerOut));
        ToF1(Ctx.Packet(a, f1.Vtep, f1.Mac, 100, Ctx.Option(Ctx.Request, 1, 0, Version + 1, a), innerOut));
        ToF1(Ctx.Packet(a, f1.Vtep, f1.Mac, 100, Ctx.Option(Ctx.Request, 1, 0, Version, a),
            Ethernet(Topology.GatewayMac, Vm0.Mac, 0x0800, Ipv4(Ip("10.0.0.99"), Remote.Ip, IpProto.Tcp, Tcp(1, 80, TcpFlags.Syn, Payload(0))))));
        // VERDICT from a non-member; with a BE_ID that is not A; for a vNIC that is not in BE mode; stale
        ToA(Ctx.Packet(rogue, a, Topology.NicMac, 100, Ctx.Option(Ctx.Verdict, 0, 0, Version, a, Remote.Vtep), innerIn));
        ToA(Ctx.Packet(f1.Vtep, a, Topology.NicMac, 100, Ctx.Option(Ctx.Verdict, 0, 0, Version, rogue, Remote.Vtep), innerIn));
        ToA(Ctx.Packet(f1.Vtep, a, Topology.NicMac, 100, Ctx.Option(Ctx.Verdict, 0, 1, Version, a, Remote.Vtep), innerIn));
        ToA(Ctx.Packet(f1.Vtep, a, Topology.NicMac, 100, Ctx.Option(Ctx.Verdict, 0, 0, Version + 1, a, Remote.Vtep), innerIn));
        // malformed options: length byte, KIND, option area shorter than the option, egress ACT
        ToA(Ctx.Packet(f1.Vtep, a, Topology.NicMac, 100, Ctx.Option(Ctx.Verdict, 0, 0, Version, a, lengthByte: 4), innerIn));
        ToA(Ctx.Packet(f1.Vtep, a, Topology.NicMac, 100, Ctx.Option(9, 0, 0, Version, a), innerIn));
        ToA(Ctx.Packet(f1.Vtep, a, Topology.NicMac, 100, Ctx.Option(Ctx.Verdict, 0, 0, Version, a)[..20], innerIn));
        ToA(Ctx.Packet(f1.Vtep, a, Topology.NicMac, 100, Ctx.Option(Ctx.Verdict, 1, 0, Version, a, Remote.Vtep, Remote.Mac, 1), innerOut));
        _fab.Run();

        Assert.That(f1.Stat(StatIndex.CtxSpoof), Is.EqualTo(3));
        Assert.That(f1.Stat(StatIndex.CtxStale), Is.EqualTo(1));
        Assert.That(f1.Stat(StatIndex.Spoof), Is.EqualTo(1));
        Assert.That(_a.Stat(StatIndex.CtxSpoof), Is.EqualTo(3));
        Assert.That(_a.Stat(StatIndex.CtxStale), Is.EqualTo(1));
        Assert.That(_a.Stat(StatIndex.CtxBad), Is.EqualTo(4));
        Assert.That(_fab.Hops, Is.Empty, "nothing was answered or forwarded");
        Assert.That(_a.Host, Is.Empty);
        Assert.That(f1.Stat(StatIndex.NzVerdictsTx) + _a.Stat(StatIndex.NzVerdictsRx), Is.EqualTo(0));

        // a "context" from a VM on the host port is just VM traffic: vNIC 1 (LOCAL) sends it as a UDP flow
        var vm1 = _t.Vms[1];
        var fake = Udp(50002, 6081, Payload(8).Concat(Ctx.Option(Ctx.Verdict, 0, 0, Version, a)).Concat(innerIn).ToArray());
        _a.B.SendFromVm(1, Ethernet(Topology.GatewayMac, vm1.Mac, 0x0800, Ipv4(vm1.Ip, Remote.Ip, IpProto.Udp, fake)));
        _fab.Run();
        Assert.That(_fab.Hops.Select(h => (h.Kind, h.Dst)), Is.EqualTo(new[] { (0, Remote.Vtep) }), "encapsulated like any flow");
        Assert.That(_a.Stat(StatIndex.CtxSpoof) + _a.Stat(StatIndex.CtxBad), Is.EqualTo(7), "no new context drop");
        _fab.CheckAll();
    }

    [Test]
    public void AVerdictOnTheWrongVniAndContextsWithABrokenInnerL4AreDropped()
    {
        Build(fes: 1);
        var f1 = _fes[0];
        uint a = Topology.Vtep;
        byte[] innerIn = InnerIn(40300, TcpFlags.Syn | TcpFlags.Ack, 8);
        // an inner TCP header cut to 12 bytes (the IPv4 header says so: total length 32)
        byte[] cut = Ethernet(Vm0.Mac, Remote.Mac, 0x0800,
            Ipv4(Remote.Ip, Vm0.Ip, IpProto.Tcp, Tcp(80, 40301, TcpFlags.Syn, Payload(0))[..12]));
        // VERDICT from the member with the right BE_ID and version, but in VNI 200 (vNIC 0 is VNI 100)
        FeToA(f1, Ctx.Option(Ctx.Verdict, 0, 0, Version, a, Remote.Vtep), innerIn, vni: 200);
        // a VERDICT and a REQUEST that pass every context check but carry the cut TCP header
        FeToA(f1, Ctx.Option(Ctx.Verdict, 0, 0, Version, a, Remote.Vtep), cut);
        f1.B.Send(NicBench.Net, Ctx.Packet(a, f1.Vtep, f1.Mac, 100, Ctx.Option(Ctx.Request, 0, 0, Version, a, Remote.Vtep), cut));
        _fab.Run();

        Assert.That(_a.Stat(StatIndex.CtxSpoof), Is.EqualTo(1), "the VNI must be the vNIC's");
        Assert.That(_a.Stat(StatIndex.Truncated) + f1.Stat(StatIndex.Truncated), Is.EqualTo(2), "the cut TCP header, on each side");
        Assert.That(_a.Stat(StatIndex.NzVerdictsRx) + f1.Stat(StatIndex.NzVerdictsTx), Is.Zero);
        Assert.That(_a.Stat(StatIndex.SessInserts), Is.Zero);
        Assert.That(_fab.Hops, Is.Empty);
        Assert.That(_a.Host, Is.Empty);
        _fab.CheckAll();
    }

    [Test]
    public void VerdictsForARstAreExecutedWithoutAnEntryAndAnUnknownHairpinTargetIsDropped()
    {
        Build(fes: 1);
        var f1 = _fes[0];
        uint a = Topology.Vtep;
        // egress and ingress verdicts for a RST (section 4: no insert), then a hairpin verdict (VTEP = A) whose
        // MAC is no vNIC of A
        FeToA(f1, Ctx.Option(Ctx.Verdict, 1, 0, Version, a, Remote.Vtep, Remote.Mac, (int)ActionType.Encap),
              InnerOut(40400, TcpFlags.Rst, 0));
        FeToA(f1, Ctx.Option(Ctx.Verdict, 0, 0, Version, a, Remote.Vtep), InnerIn(40401, TcpFlags.Rst, 0));
        FeToA(f1, Ctx.Option(Ctx.Verdict, 1, 0, Version, a, a, Mac("02:00:00:00:99:99"), (int)ActionType.Encap),
              InnerOut(40402, TcpFlags.Syn, 0, dst: Ip("10.0.0.20")));
        _fab.Run();

        Assert.That(_a.Stat(StatIndex.NzVerdictsRx), Is.EqualTo(3));
        Assert.That(_a.Stat(StatIndex.SessInserts), Is.Zero, "a RST never creates a session");
        Assert.That(_fab.Hops.Select(h => h.Dst), Is.EqualTo(new[] { Remote.Vtep }), "the egress RST is encapsulated to the remote");
        Assert.That(_a.Host.Select(h => h.TUser), Is.EqualTo(new[] { 0u }), "the ingress RST is delivered to vNIC 0");
        Assert.That(_a.Stat(StatIndex.UnknownVnic), Is.EqualTo(1), "the hairpin target is no vNIC of the BE");
        _fab.CheckAll();
    }

    [Test]
    public void AnEgressRequestHittingALocalRouteOnTheFeIsEncapsulatedToTheFeNotDelivered()
    {
        // on the FE, LOCAL names one of the FE's own vNICs (section 4): the verdict says ENCAP(FE VTEP, its MAC)
        Build(fes: 1);
        var f1 = _fes[0];
        ulong localMac = Mac("02:00:00:00:aa:02");
        f1.D.WriteVnic(2, new VnicEntry(true, 100, localMac, Ip("10.0.5.7"), Ip("10.0.5.1"), 0));
        f1.D.WriteRoute(5, new RouteEntry(true, 100, Ip("10.0.5.0"), 24, RouteType.Local, 2));
        f1.D.WriteRoute(6, new RouteEntry(true, 100, Ip("10.0.6.0"), 24, RouteType.Local, 3));   // vNIC 3 is not enabled
        FromVm0(Syn(41000, dst: Ip("10.0.5.7")));
        FromVm0(Syn(41001, dst: Ip("10.0.6.7")));
        _fab.Run();

        var verdicts = _fab.Hops.Where(h => h.Kind == Ctx.Verdict).ToList();
        Assert.That(verdicts, Has.Count.EqualTo(1));
        var vd = Ctx.Parse(verdicts[0].Frame);
        Assert.That((vd.Vtep, vd.Mac, vd.Act), Is.EqualTo((f1.Vtep, localMac, (int)ActionType.Encap)));
        Assert.That(f1.Stat(StatIndex.NoRoute), Is.EqualTo(1), "LOCAL to a vNIC that is not enabled");
        Assert.That(_fab.Hops.Last().Dst, Is.EqualTo(f1.Vtep), "the BE then encapsulates the flow to the FE's VTEP");
        Assert.That(f1.Host.Select(h => h.TUser), Is.EqualTo(new[] { 2u }),
                    "the REQUEST was not delivered; the flow's frame, encapsulated by the BE, reaches the FE's own vNIC 2");
        _fab.CheckAll();
    }

    // ===================================================================================== FE selection

    [Test]
    public void BothDirectionsOfAFlowPickTheSameFe()
    {
        Build(fes: 4);
        _fab.Lose = h => h.Kind == Ctx.Request;     // keep the flows undecided: every packet misses again
        var rnd = new Random(2);
        for (int i = 0; i < 24; i++)
        {
            ushort sport = (ushort)rnd.Next(1024, 65535);
            FromVm0(Syn(sport));
            _fab.Run();
            var outbound = _fab.Lost[^1];
            _a.B.Send(NicBench.Net, _t.FromRemoteTcp(Remote, Vm0, 80, sport, TcpFlags.Syn | TcpFlags.Ack));
            _fab.Run();
            var inbound = _fab.Lost[^1];
            Assert.That(Ctx.Parse(outbound.Frame).Flags & 1, Is.EqualTo(1));
            Assert.That(Ctx.Parse(inbound.Frame).Flags & 1, Is.EqualTo(0));
            Assert.That(inbound.To, Is.EqualTo(outbound.To), $"flow {sport}: both directions go to the same FE");
        }
        Assert.That(_fab.Lost.Select(h => h.To).Distinct().Count(), Is.GreaterThan(1), "more than one FE in use");
        _fab.CheckAll();
    }

    [Test]
    public void RandomFlowsSpreadEvenlyOverFourFes()
    {
        Build(fes: 4);
        _fab.Lose = h => h.Kind == Ctx.Request;
        var rnd = new Random(7);
        const int flows = 800;
        for (int i = 0; i < flows; i++)
            FromVm0(Syn((ushort)rnd.Next(1024, 65535), (ushort)rnd.Next(1, 65535), Ip("172.16.0.0") + (uint)rnd.Next(1 << 16)));
        _fab.Run();
        Assert.That(_fab.Lost, Has.Count.EqualTo(flows));
        foreach (var fe in _fes)
        {
            int n = _fab.Lost.Count(h => h.To == fe);
            TestContext.Out.WriteLine($"{fe.Name}: {n}");
            Assert.That(n, Is.InRange(flows / 4 - 50, flows / 4 + 50), $"share of {fe.Name}");
        }
        _fab.CheckAll();
    }

    // ========================================================================================= liveness

    private const int Interval = 10, Timeout = 25;

    private void Rounds(int n)
    {
        for (int i = 0; i < n; i++) _fab.Tick(_a, Interval);
    }

    private Dictionary<ushort, FabricNic> FeOfFlows(IEnumerable<ushort> sports)
    {
        var res = new Dictionary<ushort, FabricNic>();
        foreach (var s in sports)
        {
            int lost = _fab.Lost.Count;
            FromVm0(Syn(s));
            _fab.Run();
            Assert.That(_fab.Lost.Count, Is.EqualTo(lost + 1));
            res[s] = _fab.Lost[^1].To!;
        }
        return res;
    }

    [Test]
    public void ProbesKeepMembersAliveASilentMemberDiesAndOnlyItsFlowsMove()
    {
        Build(fes: 4);
        _a.D.SetProbeTiming(Interval, Timeout);
        FabricNic? dead = null;
        _fab.Lose = h => h.Kind == Ctx.Request || (dead != null && (h.To == dead || h.From == dead));

        int t0 = _a.D.ReadTick();
        Rounds(3);
        Assert.That(_a.Stat(StatIndex.ProbesTx), Is.EqualTo(12), "4 probes per round");
        Assert.That(_a.Stat(StatIndex.ProbeRepliesRx), Is.EqualTo(12));
        foreach (var fe in _fes) Assert.That(fe.Stat(StatIndex.ProbeRepliesTx), Is.EqualTo(3));
        Assert.That(_a.D.ReadFeAlive() & 0xF, Is.EqualTo(0xFu));
        var probes = _fab.Hops.Where(h => h.Kind == Ctx.Probe).ToList();
        Assert.That(probes.Select(h => h.To!.Name), Is.EqualTo(Enumerable.Repeat(new[] { "F1", "F2", "F3", "F4" }, 3).SelectMany(x => x)));
        Assert.That(probes.Select(h => Ctx.Parse(h.Frame).Vtep).Distinct(),
            Is.EqualTo(new[] { t0 + Interval, t0 + 2 * Interval, t0 + 3 * Interval }.Select(t => (uint)(ushort)t)),
            "a probe carries the tick of its round, every PROBE_INTERVAL ticks");
        Assert.That(_fab.Hops.Count(h => h.Kind == Ctx.ProbeReply), Is.EqualTo(12));

        var sports = Enumerable.Range(0, 40).Select(i => (ushort)(20000 + 37 * i)).ToList();
        var before = FeOfFlows(sports);
        Assert.That(before.Values.Distinct().Count(), Is.EqualTo(4));

        dead = _fes[2];
        // last heard at tick 30: alive at the rounds of ticks 40 and 50 (age 10, 20 <= 25), dead at 60
        Rounds(2);
        Assert.That(_a.D.ReadFeAlive() & 0xF, Is.EqualTo(0xFu));
        Assert.That(_a.Stat(StatIndex.FeDown), Is.EqualTo(0));
        Rounds(1);
        Assert.That(_a.D.ReadFeAlive() & 0xF, Is.EqualTo(0xBu), "F3 is dead");
        Assert.That(_a.D.ReadFeGroup(0).AliveMask, Is.EqualTo(0xB));
        Assert.That(_a.Stat(StatIndex.FeDown), Is.EqualTo(1));

        var after = FeOfFlows(sports);
        foreach (var s in sports)
        {
            if (before[s] == dead) Assert.That(after[s], Is.Not.EqualTo(dead), $"flow {s} moved off the dead FE");
            else Assert.That(after[s], Is.EqualTo(before[s]), $"flow {s} stays on its FE");
        }
        var moved = sports.Where(s => before[s] == dead).Select(s => after[s]).ToList();
        Assert.That(moved, Is.Not.Empty);

        // every FE silent: a new flow runs on the BE's own slow path
        _fab.Lose = h => h.Kind == Ctx.Request || _fes.Contains(h.To!) || _fes.Contains(h.From);
        Rounds(3);
        Assert.That(_a.D.ReadFeAlive() & 0xF, Is.EqualTo(0u));
        Assert.That(_a.Stat(StatIndex.FeDown), Is.EqualTo(4));
        int n = _fab.Hops.Count;
        FromVm0(Syn(30000));
        _fab.Run();
        Assert.That(_a.Stat(StatIndex.NzFallback), Is.EqualTo(1));
        Assert.That(HopsSince(n).Select(h => (h.Kind, h.Dst)), Is.EqualTo(new[] { (0, Remote.Vtep) }), "forwarded by the BE itself");

        // F3 answers again: alive after the next round's reply
        _fab.Lose = h => h.Kind == Ctx.Request || (h.To != null && h.To != _a && h.To != dead) || (h.From != _a && h.From != dead);
        Rounds(1);
        Assert.That(_a.D.ReadFeAlive() & 0xF, Is.EqualTo(0x4u));
        _fab.CheckAll();
    }

    // ============================================================================= mode / version switch

    [Test]
    public void SessionsOfAVnicSwitchedToBeModeKeepHitting()
    {
        Build(fes: 2, offload: false);
        for (ushort s = 41000; s < 41003; s++) FromVm0(Syn(s));
        _fab.Run();
        Assert.That(_fab.Hops.Select(h => h.Kind), Is.All.EqualTo(0), "local mode: no FE");
        MakeBe(Version);
        int n = _fab.Hops.Count;
        for (ushort s = 41000; s < 41003; s++)
        {
            FromVm0(_t.FromVmTcp(Vm0, Remote.Ip, s, 80, TcpFlags.Ack, payload: 5));
            _a.B.Send(NicBench.Net, _t.FromRemoteTcp(Remote, Vm0, 80, s, TcpFlags.Ack, payload: 5));
        }
        _fab.Run();
        Assert.That(HopsSince(n).Select(h => h.Kind), Is.All.EqualTo(0), "live sessions still hit on the BE");
        Assert.That(_a.Stat(StatIndex.SessHits), Is.EqualTo(6));
        Assert.That(_a.Stat(StatIndex.NzRedirects), Is.EqualTo(0));
        FromVm0(Syn(41010));
        _fab.Run();
        Assert.That(_a.Stat(StatIndex.NzRedirects), Is.EqualTo(1), "a new flow takes the detour");
        _fab.CheckAll();
    }

    [Test]
    public void AVerdictWithTheOldVersionIsStaleAfterTheBackEndMovedOn()
    {
        Build(fes: 1);
        var f1 = _fes[0];
        var held = new List<FabricHop>();
        _fab.Lose = h =>
        {
            bool hold = (h.Kind == Ctx.Verdict && h.From == f1) || (h.Kind == Ctx.Request && held.Count == 1);
            if (hold) held.Add(h);
            return hold;
        };
        FromVm0(Syn(42000));          // REQUEST v1 -> F1, VERDICT v1 held
        _fab.Run();
        FromVm0(Syn(42001));          // REQUEST v1 held
        _fab.Run();
        Assert.That(held.Select(h => h.Kind), Is.EqualTo(new[] { Ctx.Verdict, Ctx.Request }));

        // the controller moves the vNIC to version 2: FE copy first, then the BE
        f1.D.WriteOffload(CopyIndex, new OffloadEntry(OffloadMode.Fe, 0, Version + 1, 0, Topology.Vtep));
        _a.D.WriteOffload(0, new OffloadEntry(OffloadMode.Be, 0, Version + 1, 0, 0));
        _fab.Lose = null;
        _a.B.Send(NicBench.Net, held[0].Frame);      // VERDICT v1 reaches the BE at v2
        f1.B.Send(NicBench.Net, held[1].Frame);      // REQUEST v1 reaches the FE at v2
        _fab.Run();
        Assert.That(_a.Stat(StatIndex.CtxStale), Is.EqualTo(1));
        Assert.That(f1.Stat(StatIndex.CtxStale), Is.EqualTo(1));
        Assert.That(_a.Stat(StatIndex.SessInserts), Is.EqualTo(0));

        int n = _fab.Hops.Count;
        FromVm0(Syn(42000));          // retransmission: decided at version 2
        _fab.Run();
        Assert.That(HopsSince(n).Select(h => h.Kind), Is.EqualTo(new[] { Ctx.Request, Ctx.Verdict, 0 }));
        Assert.That(Ctx.Parse(HopsSince(n)[1].Frame).Version, Is.EqualTo(Version + 1));
        Assert.That(_a.Stat(StatIndex.SessInserts), Is.EqualTo(1));
        _fab.CheckAll();
    }

    [Test]
    public void ADrainingBackEndRunsNewFlowsLocallyAndStillTakesVerdictsOnTheirWay()
    {
        Build(fes: 1);
        var f1 = _fes[0];
        var held = new List<FabricHop>();
        _fab.Lose = h =>
        {
            bool hold = h.Kind == Ctx.Verdict;
            if (hold) held.Add(h);
            return hold;
        };
        FromVm0(Syn(43000));                           // REQUEST -> F1, its VERDICT held on the way back
        _fab.Run();
        Assert.That(held, Has.Count.EqualTo(1));
        _fab.Lose = null;

        // revert begins: DRAIN keeps the group and the version
        _a.D.WriteOffload(0, OffloadEntry.Draining(0, Version));
        int n = _fab.Hops.Count;
        FromVm0(Syn(43001));                           // a new flow now: the BE's own slow path, no detour
        _fab.Run();
        Assert.That(HopsSince(n).Select(h => h.Kind), Is.EqualTo(new[] { 0 }));
        Assert.That(HopsSince(n)[0].Dst, Is.EqualTo(Remote.Vtep));
        Assert.That(_a.Stat(StatIndex.NzRedirects), Is.EqualTo(1));
        Assert.That(_a.Stat(StatIndex.NzFallback), Is.EqualTo(0), "draining is not a fallback");

        _a.B.Send(NicBench.Net, held[0].Frame);       // the VERDICT sent before the revert arrives: accepted
        _fab.Run();
        Assert.That(_a.Stat(StatIndex.NzVerdictsRx), Is.EqualTo(1));
        Assert.That(_a.Stat(StatIndex.CtxSpoof), Is.EqualTo(0));
        Assert.That(_a.Stat(StatIndex.SessInserts), Is.EqualTo(2));

        // LOCAL: a late VERDICT is now a spoof, and is dropped
        _a.D.WriteOffload(0, OffloadEntry.Local with { Version = Version });
        _a.B.Send(NicBench.Net, held[0].Frame);
        _fab.Run();
        Assert.That(_a.Stat(StatIndex.CtxSpoof), Is.EqualTo(1));
        Assert.That(_a.Stat(StatIndex.NzVerdictsRx), Is.EqualTo(1));
        Assert.That(f1.Stat(StatIndex.NzVerdictsTx), Is.EqualTo(1));
        _fab.CheckAll();
    }
}
