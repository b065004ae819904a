using Microsoft.Extensions.Logging;

namespace Nezha.Driver.Internal;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Trace, Message = "write 0x{Addr:X4} = 0x{Value:X8} -> {Resp}")]
    public static partial void RegWrite(ILogger logger, uint addr, uint value, RegResp resp);

    [LoggerMessage(EventId = 2, Level = LogLevel.Trace, Message = "read  0x{Addr:X4} = 0x{Value:X8} -> {Resp}")]
    public static partial void RegRead(ILogger logger, uint addr, uint value, RegResp resp);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "block at 0x{Addr:X4}: type 0x{Type:X8} version 0x{Version:X8} next 0x{Next:X4}")]
    public static partial void Block(ILogger logger, uint addr, uint type, uint version, uint next);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "card: {Info}")]
    public static partial void Discovered(ILogger logger, NicInfo info);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "global config: {Config}")]
    public static partial void Global(ILogger logger, NicGlobalConfig config);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "vnic[{Index}] = {Entry}")]
    public static partial void Vnic(ILogger logger, int index, VnicEntry entry);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "route[{Index}] = {Entry}")]
    public static partial void Route(ILogger logger, int index, RouteEntry entry);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "mapping[{Index}] (bucket {Bucket} way {Way}) = {Entry}")]
    public static partial void Mapping(ILogger logger, int index, int bucket, int way, MappingEntry entry);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "acl set {Set} rule {Rule} = {Rule2}")]
    public static partial void Acl(ILogger logger, int set, int rule, AclRule rule2);

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
