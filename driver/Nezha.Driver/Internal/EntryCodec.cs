using Nezha.Common.Registers;
using F = Nezha.Common.Registers.NezhaFields;

namespace Nezha.Driver.Internal;

/// <summary>Packs typed entries into table DATA words and back, with the generated field layout.</summary>
internal static class EntryCodec
{
    public const int VnicWords = 6, RouteWords = 4, MapWords = 6, AclWords = 5, SessionWords = 16;

    private static uint B(bool b) => b ? 1u : 0u;

    private static void SetMac(Span<uint> d, RegField lo, RegField hi, ulong mac)
    {
        lo.Set(d, (uint)mac);
        hi.Set(d, (uint)(mac >> 32));
    }

    private static ulong GetMac(ReadOnlySpan<uint> d, RegField lo, RegField hi) =>
        ((ulong)hi.Get(d) << 32) | lo.Get(d);

    public static void Pack(VnicEntry e, Span<uint> d)
    {
        d.Clear();
        F.VNIC_TABLE_ENABLE.Set(d, B(e.Enabled));
        F.VNIC_TABLE_ACL_SET.Set(d, (uint)e.AclSet);
        F.VNIC_TABLE_VNI.Set(d, e.Vni);
        SetMac(d, F.VNIC_TABLE_MAC_LO, F.VNIC_TABLE_MAC_HI, e.Mac);
        F.VNIC_TABLE_IP.Set(d, e.Ip);
        F.VNIC_TABLE_GW_IP.Set(d, e.GwIp);
    }

    public static VnicEntry UnpackVnic(ReadOnlySpan<uint> d) => new(
        F.VNIC_TABLE_ENABLE.Get(d) != 0, F.VNIC_TABLE_VNI.Get(d),
        GetMac(d, F.VNIC_TABLE_MAC_LO, F.VNIC_TABLE_MAC_HI),
        F.VNIC_TABLE_IP.Get(d), F.VNIC_TABLE_GW_IP.Get(d), (int)F.VNIC_TABLE_ACL_SET.Get(d));

    public static void Pack(RouteEntry e, Span<uint> d)
    {
        d.Clear();
        F.ROUTE_TABLE_VALID.Set(d, B(e.Valid));
        F.ROUTE_TABLE_TYPE.Set(d, (uint)e.Type);
        F.ROUTE_TABLE_GENEVE.Set(d, (uint)e.Tunnel);
        F.ROUTE_TABLE_PLEN.Set(d, (uint)e.PrefixLen);
        F.ROUTE_TABLE_VNI.Set(d, e.Vni);
        F.ROUTE_TABLE_PREFIX.Set(d, e.Prefix);
        F.ROUTE_TABLE_VALUE.Set(d, e.Value);
    }

    public static RouteEntry UnpackRoute(ReadOnlySpan<uint> d) => new(
        F.ROUTE_TABLE_VALID.Get(d) != 0, F.ROUTE_TABLE_VNI.Get(d), F.ROUTE_TABLE_PREFIX.Get(d),
        (int)F.ROUTE_TABLE_PLEN.Get(d), (RouteType)F.ROUTE_TABLE_TYPE.Get(d), F.ROUTE_TABLE_VALUE.Get(d),
        (TunnelType)F.ROUTE_TABLE_GENEVE.Get(d));

    public static void Pack(MappingEntry e, Span<uint> d)
    {
        d.Clear();
        F.MAP_TABLE_VALID.Set(d, B(e.Valid));
        F.MAP_TABLE_GENEVE.Set(d, (uint)e.Tunnel);
        F.MAP_TABLE_VNI.Set(d, e.Vni);
        F.MAP_TABLE_IP.Set(d, e.Ip);
        F.MAP_TABLE_VTEP.Set(d, e.Vtep);
        SetMac(d, F.MAP_TABLE_MAC_LO, F.MAP_TABLE_MAC_HI, e.Mac);
    }

    public static MappingEntry UnpackMapping(ReadOnlySpan<uint> d) => new(
        F.MAP_TABLE_VALID.Get(d) != 0, F.MAP_TABLE_VNI.Get(d), F.MAP_TABLE_IP.Get(d), F.MAP_TABLE_VTEP.Get(d),
        GetMac(d, F.MAP_TABLE_MAC_LO, F.MAP_TABLE_MAC_HI), (TunnelType)F.MAP_TABLE_GENEVE.Get(d));

    public static void Pack(AclRule r, Span<uint> d)
    {
        d.Clear();
        F.ACL_TABLE_VALID.Set(d, B(r.Valid));
        F.ACL_TABLE_DIR.Set(d, (uint)r.Dir);
        F.ACL_TABLE_ALLOW.Set(d, B(r.Allow));
        F.ACL_TABLE_PROTO.Set(d, r.Proto);
        F.ACL_TABLE_SRC_LEN.Set(d, (uint)r.SrcLen);
        F.ACL_TABLE_DST_LEN.Set(d, (uint)r.DstLen);
        F.ACL_TABLE_SRC.Set(d, r.Src);
        F.ACL_TABLE_DST.Set(d, r.Dst);
        F.ACL_TABLE_SPORT_LO.Set(d, r.SportLo);
        F.ACL_TABLE_SPORT_HI.Set(d, r.SportHi);
        F.ACL_TABLE_DPORT_LO.Set(d, r.DportLo);
        F.ACL_TABLE_DPORT_HI.Set(d, r.DportHi);
    }

    public static AclRule UnpackAcl(ReadOnlySpan<uint> d) => new(
        F.ACL_TABLE_VALID.Get(d) != 0, (AclDirection)F.ACL_TABLE_DIR.Get(d), F.ACL_TABLE_ALLOW.Get(d) != 0,
        (byte)F.ACL_TABLE_PROTO.Get(d),
        F.ACL_TABLE_SRC.Get(d), (int)F.ACL_TABLE_SRC_LEN.Get(d), F.ACL_TABLE_DST.Get(d), (int)F.ACL_TABLE_DST_LEN.Get(d),
        (ushort)F.ACL_TABLE_SPORT_LO.Get(d), (ushort)F.ACL_TABLE_SPORT_HI.Get(d),
        (ushort)F.ACL_TABLE_DPORT_LO.Get(d), (ushort)F.ACL_TABLE_DPORT_HI.Get(d));

    public static SessionEntryView UnpackSession(int index, ReadOnlySpan<uint> d) => new(
        index,
        F.SESSION_VALID.Get(d) != 0, (int)F.SESSION_INIT_DIR.Get(d), F.SESSION_EST.Get(d) != 0,
        F.SESSION_FIN0.Get(d) != 0, F.SESSION_FIN1.Get(d) != 0, (ushort)F.SESSION_TS.Get(d),
        F.SESSION_VNI.Get(d), (byte)F.SESSION_PROTO.Get(d), F.SESSION_LO_IP.Get(d), F.SESSION_HI_IP.Get(d),
        (ushort)F.SESSION_LO_PORT.Get(d), (ushort)F.SESSION_HI_PORT.Get(d),
        F.SESSION_PKTS.Get(d), ((ulong)F.SESSION_BYTES_HI.Get(d) << 32) | F.SESSION_BYTES_LO.Get(d),
        new SessionAction((ActionType)F.SESSION_ACT0_TYPE.Get(d), (int)F.SESSION_ACT0_VNIC.Get(d),
            F.SESSION_ACT0_VTEP.Get(d), GetMac(d, F.SESSION_ACT0_MAC_LO, F.SESSION_ACT0_MAC_HI)),
        new SessionAction((ActionType)F.SESSION_ACT1_TYPE.Get(d), (int)F.SESSION_ACT1_VNIC.Get(d),
            F.SESSION_ACT1_VTEP.Get(d), GetMac(d, F.SESSION_ACT1_MAC_LO, F.SESSION_ACT1_MAC_HI)),
        F.SESSION_COMPACT.Get(d) != 0);
}
