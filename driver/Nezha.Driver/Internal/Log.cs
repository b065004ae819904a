using Microsoft.Extensions.Logging;
using Nezha.Common.Registers;

namespace Nezha.Driver.Internal;

internal static partial class Log
{
    // Register writes are what the driver does to the card (CLI: -v detailed); reads are added at Trace (-v diagnostic).
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "write 0x{Addr:X4} = 0x{Value:X8} -> {Resp}")]
    public static partial void RegWrite(ILogger logger, uint addr, uint value, RegResp resp);

    [LoggerMessage(EventId = 2, Level = LogLevel.Trace, Message = "read  0x{Addr:X4} = 0x{Value:X8} -> {Resp}")]
    public static partial void RegRead(ILogger logger, uint addr, uint value, RegResp resp);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "block at 0x{Addr:X4}: type 0x{Type:X8} version 0x{Version:X8} next 0x{Next:X4}")]
    public static partial void Block(ILogger logger, uint addr, uint type, uint version, uint next);

    // Entries are logged field by field in the config file's notation (MACs, dotted addresses), never as record dumps.

    public static void Discovered(ILogger logger, NicInfo i) =>
        Discovered(logger, i.DataW, i.NVnic, i.SessionEntries, i.AclSets, i.AclRules, i.Routes, i.MapEntries, i.MtuMax);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information,
        Message = "card: w{DataW}, {Vnics} vNICs, {Sessions} session entries, {AclSets} ACL sets of {AclRules} rules, {Routes} routes, {Mappings} mappings, MTU_MAX {MtuMax}")]
    private static partial void Discovered(ILogger logger, int dataW, int vnics, int sessions, int aclSets, int aclRules, int routes, int mappings, int mtuMax);

    public static void Global(ILogger logger, NicGlobalConfig c)
    {
        if (logger.IsEnabled(LogLevel.Debug))
            Global(logger, NetFormat.Mac(c.NicMac), NetFormat.Ip(c.VtepIp), NetFormat.Mac(c.NextHopMac), NetFormat.Mac(c.GatewayMac),
                   c.Mtu, c.IdleTimeout, c.CloseTimeout, c.TickCycles);
    }

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug,
        Message = "global: nicMac {NicMac}, vtepIp {VtepIp}, nextHopMac {NextHopMac}, gatewayMac {GatewayMac}, mtu {Mtu}, idleTimeout {IdleTimeout}, closeTimeout {CloseTimeout}, tickCycles {TickCycles}")]
    private static partial void Global(ILogger logger, string nicMac, string vtepIp, string nextHopMac, string gatewayMac,
                                       int mtu, int idleTimeout, int closeTimeout, int tickCycles);

    public static void Vnic(ILogger logger, int index, VnicEntry e)
    {
        if (logger.IsEnabled(LogLevel.Debug))
            Vnic(logger, index, e.Enabled ? "enabled" : "disabled", e.Vni, NetFormat.Mac(e.Mac), NetFormat.Ip(e.Ip), NetFormat.Ip(e.GwIp), e.AclSet);
    }

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "vnic[{Index}]: {State}, vni {Vni}, mac {Mac}, ip {Ip}, gateway {Gateway}, aclSet {AclSet}")]
    private static partial void Vnic(ILogger logger, int index, string state, uint vni, string mac, string ip, string gateway, int aclSet);

    public static void Route(ILogger logger, int index, RouteEntry e)
    {
        if (!logger.IsEnabled(LogLevel.Debug)) return;
        string target = e.Type switch
        {
            RouteType.Local => $" vnic {e.Value}",
            RouteType.Vtep => $" vtep {NetFormat.Ip(e.Value)} ({e.Tunnel.ToString().ToLowerInvariant()})",
            _ => "",
        };
        Route(logger, index, e.Valid ? "" : " (invalid)", e.Vni, NetFormat.Prefix(e.Prefix, e.PrefixLen), e.Type.ToString().ToLowerInvariant(), target);
    }

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "route[{Index}]{Valid}: vni {Vni}, {Prefix} {Type}{Target}")]
    private static partial void Route(ILogger logger, int index, string valid, uint vni, string prefix, string type, string target);

    public static void Mapping(ILogger logger, int index, int bucket, int way, MappingEntry e)
    {
        if (logger.IsEnabled(LogLevel.Debug))
            Mapping(logger, index, bucket, way, e.Valid ? "" : " (invalid)", e.Vni, NetFormat.Ip(e.Ip), NetFormat.Ip(e.Vtep), NetFormat.Mac(e.Mac),
                    e.Tunnel.ToString().ToLowerInvariant());
    }

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug,
        Message = "mapping[{Index}] (bucket {Bucket} way {Way}){Valid}: vni {Vni}, {Ip} -> vtep {Vtep} mac {Mac} ({Tunnel})")]
    private static partial void Mapping(ILogger logger, int index, int bucket, int way, string valid, uint vni, string ip, string vtep, string mac, string tunnel);

    public static void Acl(ILogger logger, int set, int rule, AclRule r)
    {
        if (logger.IsEnabled(LogLevel.Debug))
            Acl(logger, set, rule, r.Valid ? "" : " (invalid)", r.Dir.ToString().ToLowerInvariant(), r.Allow ? "allow" : "deny", r.Proto,
                NetFormat.Prefix(r.Src, r.SrcLen), NetFormat.Prefix(r.Dst, r.DstLen), $"{r.SportLo}-{r.SportHi}", $"{r.DportLo}-{r.DportHi}");
    }

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug,
        Message = "acl set {Set} rule {Rule}{Valid}: {Direction} {Action}, proto {Proto}, src {Src} sport {Sport}, dst {Dst} dport {Dport}")]
    private static partial void Acl(ILogger logger, int set, int rule, string valid, string direction, string action, byte proto,
                                    string src, string dst, string sport, string dport);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "acl set {Set}: {Count} rules in use")]
    public static partial void AclCount(ILogger logger, int set, int count);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "cleared {Table} entries {First}..{Last}")]
    public static partial void Cleared(ILogger logger, string table, int first, int last);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "applying config: {Vnics} vNICs, {Routes} routes, {Mappings} mappings, {Sets} ACL sets")]
    public static partial void ApplyStart(ILogger logger, int vnics, int routes, int mappings, int sets);

    [LoggerMessage(EventId = 13, Level = LogLevel.Debug, Message = "apply step: {Step}")]
    public static partial void Step(ILogger logger, string step);

    [LoggerMessage(EventId = 14, Level = LogLevel.Information, Message = "config applied, {Enabled} vNICs enabled")]
    public static partial void ApplyDone(ILogger logger, int enabled);
}
