using Nezha.Common.Registers;

namespace Nezha.Driver;

/// <summary>A vNIC table entry. MAC is 48 bits, first wire byte in bits 47:40; IPv4 addresses are host-order numbers.</summary>
public sealed record VnicEntry(bool Enabled, uint Vni, ulong Mac, uint Ip, uint GwIp, int AclSet);

/// <summary>
/// A route. <paramref name="Value"/> is the vNIC index for LOCAL, the VTEP address for VTEP, else 0.
/// <paramref name="Tunnel"/> is the encapsulation of a VTEP route (the GENEVE bit; stored for every type).
/// </summary>
public sealed record RouteEntry(bool Valid, uint Vni, uint Prefix, int PrefixLen, RouteType Type, uint Value,
                                TunnelType Tunnel = TunnelType.Vxlan);

/// <summary>
/// (VNI, VM IP) -> (VTEP, VM MAC). <paramref name="Tunnel"/> is the encapsulation towards a remote VTEP
/// (the GENEVE bit; no effect when the VTEP is this card).
/// </summary>
public sealed record MappingEntry(bool Valid, uint Vni, uint Ip, uint Vtep, ulong Mac, TunnelType Tunnel = TunnelType.Vxlan);

public enum AclDirection { Ingress = 0, Egress = 1 }

/// <summary>An ACL rule; proto 0 = any. Port ranges only apply to TCP and UDP.</summary>
public sealed record AclRule(
    bool Valid, AclDirection Dir, bool Allow, byte Proto,
    uint Src, int SrcLen, uint Dst, int DstLen,
    ushort SportLo, ushort SportHi, ushort DportLo, ushort DportHi);

/// <summary>One direction's action of a session (ENCAP = VXLAN, ENCAP_GENEVE = Geneve encapsulation).</summary>
public sealed record SessionAction(ActionType Type, int Vnic, uint Vtep, ulong Mac);

/// <summary>A session table entry as read back from the card.</summary>
public sealed record SessionEntryView(
    int Index, bool Valid, int InitDir, bool Established, bool Fin0, bool Fin1, ushort Ts,
    uint Vni, byte Proto, uint LoIp, uint HiIp, ushort LoPort, ushort HiPort,
    uint Pkts, ulong Bytes, SessionAction Act0, SessionAction Act1, bool Compact = false);

public sealed record VnicCounters(ulong RxPkts, ulong RxBytes, ulong TxPkts, ulong TxBytes, ulong NewFlows, ulong SlowCycles);

/// <summary>NIC-wide settings (CONFIG block). <c>TickCycles</c> 0 selects the external tick (tick_in pulses).</summary>
public sealed record NicGlobalConfig(
    ulong NicMac, uint VtepIp, ulong NextHopMac, ulong GatewayMac,
    int Mtu, int IdleTimeout, int CloseTimeout, int TickCycles, int? VmMtu = null)
{
    /// <summary>Bytes an encapsulation adds to a VM frame (datapath-spec 4.1): VM_MTU + this must not exceed MTU.</summary>
    public const int EncapOverhead = 50;

    /// <summary>VM_MTU as written: <see cref="VmMtu"/>, or by default the largest that still fits the underlay.</summary>
    public int EffectiveVmMtu => VmMtu ?? Mtu - EncapOverhead;
}
