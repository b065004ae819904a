using System.Text.Json;
using Nezha.Driver.Registers;

namespace Nezha.Driver.Config;

/// <summary>
/// Reads and validates a JSON card configuration (comments and trailing commas allowed).
/// Every problem is reported as a <see cref="ConfigException"/> naming the file and the field; a config that
/// loads is complete and consistent with the card's limits, so <see cref="NicDriver.Apply"/> cannot fail on it
/// for a reason the file could have avoided.
/// </summary>
public static class NicConfigLoader
{
    /// <summary>Loads <paramref name="path"/>; with <paramref name="limits"/> also checks ids and sizes against the card.</summary>
    public static NicConfig Load(string path, NicInfo? limits = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigException($"{path}: cannot read: {e.Message}");
        }
        return Parse(text, path, limits);
    }

    /// <summary>Parses config text; <paramref name="fileName"/> only goes into error messages.</summary>
    public static NicConfig Parse(string json, string fileName, NicInfo? limits = null)
    {
        var errors = new ConfigErrors(fileName);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{fileName}: line {e.LineNumber + 1}, column {e.BytePositionInLine + 1}: {SyntaxReason(e)}");
        }
        using (doc)
            return new Builder(errors, limits).Build(doc.RootElement);
    }

    private static string SyntaxReason(JsonException e)
    {
        string m = e.Message;
        int cut = m.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0) cut = m.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut >= 0 ? m[..cut] : m).TrimEnd(' ', '|');
    }

    private static readonly Dictionary<string, RouteType> RouteTypes = new()
    {
        ["drop"] = RouteType.Drop, ["local"] = RouteType.Local, ["vtep"] = RouteType.Vtep, ["mapped"] = RouteType.Mapped,
    };

    private static readonly Dictionary<string, TunnelType> Tunnels = new()
    {
        ["vxlan"] = TunnelType.Vxlan, ["geneve"] = TunnelType.Geneve,
    };

    private static readonly Dictionary<string, AclDirection> Directions = new()
    {
        ["ingress"] = AclDirection.Ingress, ["egress"] = AclDirection.Egress,
    };

    private static readonly Dictionary<string, bool> Actions = new() { ["allow"] = true, ["deny"] = false };

    private static readonly Dictionary<string, byte> Protocols = new()
    {
        ["any"] = 0, ["icmp"] = 1, ["tcp"] = 6, ["udp"] = 17,
    };

    /// <summary>Builds the config from the parsed document, section by section.</summary>
    private sealed class Builder(ConfigErrors errors, NicInfo? limits)
    {
        // Without a card, the limits are the widest any build of the register map allows.
        private readonly int _nVnic = limits?.NVnic ?? 256;
        private readonly int _aclSets = limits?.AclSets ?? 256;
        private readonly int _aclRules = limits?.AclRules ?? int.MaxValue;
        private readonly int _routes = limits?.Routes ?? int.MaxValue;
        private readonly int _mtuMax = limits?.MtuMax ?? 9216;

        public NicConfig Build(JsonElement root)
        {
            var r = new ObjectReader(root, "", errors, "global", "vnics", "routes", "mappings", "acls", "offload");
            NicGlobalConfig global = Global(new ObjectReader(r.Required("global"), "global", errors,
                "nicMac", "vtepIp", "nextHopMac", "gatewayMac", "mtu", "vmMtu", "idleTimeout", "closeTimeout", "tickCycles"));
            List<VnicConfig> vnics = Vnics(r.Array("vnics", out string vp), vp);
            List<RouteEntry> routes = Routes(r.Array("routes", out string rp), rp, vnics);
            List<MappingEntry> mappings = Mappings(r.Array("mappings", out string mp), mp, global, vnics);
            List<AclSetConfig> acls = Acls(r.Array("acls", out string ap), ap);
            return new NicConfig(global, vnics, routes, mappings, acls, Nezha.Driver.Offload.OffloadPolicyReader.Read(r, errors));
        }

        private NicGlobalConfig Global(ObjectReader g)
        {
            int mtu = (int)g.Int("mtu", 64, _mtuMax, Math.Min(1518, _mtuMax));
            int? vmMtu = g.Optional("vmMtu") is null ? null : (int)g.Int("vmMtu", 64, _mtuMax);
            var c = new NicGlobalConfig(
                NicMac: g.Mac("nicMac"),
                VtepIp: g.Ip("vtepIp"),
                NextHopMac: g.Mac("nextHopMac"),
                GatewayMac: g.Mac("gatewayMac"),
                Mtu: mtu,
                IdleTimeout: (int)g.Int("idleTimeout", 0, 32767, 1000),
                CloseTimeout: (int)g.Int("closeTimeout", 0, 32767, 100),
                TickCycles: (int)g.Int("tickCycles", 0, 0xFF_FFFF, 1000),   // 0 = external tick (tick_in)
                VmMtu: vmMtu);
            // every frame a VM may send must fit the underlay once encapsulated (datapath-spec 4.1)
            if (vmMtu is { } vm && vm + NicGlobalConfig.EncapOverhead > mtu)
                throw g.Errors.At(g.Child("vmMtu"), $"{vm} + {NicGlobalConfig.EncapOverhead} bytes of encapsulation exceeds mtu {mtu}: such a VM frame would not fit the underlay");
            else if (vmMtu is null && c.EffectiveVmMtu < 64)
                throw g.Errors.At(g.Child("mtu"), $"{mtu} leaves VM frames less than 64 bytes after the {NicGlobalConfig.EncapOverhead}-byte encapsulation");
            return c;
        }

        private List<VnicConfig> Vnics(List<JsonElement> items, string path)
        {
            var result = new List<VnicConfig>();
            for (int i = 0; i < items.Count; i++)
            {
                string at = $"{path}[{i}]";
                var v = new ObjectReader(items[i], at, errors, "id", "vni", "mac", "ip", "gateway", "aclSet", "enabled");
                int id = (int)v.Int("id", 0, _nVnic - 1);
                var e = new VnicEntry(
                    Vni: (uint)v.Int("vni", 0, 0xFF_FFFF),
                    Mac: v.Mac("mac"),
                    Ip: v.Ip("ip"),
                    GwIp: v.Ip("gateway"),
                    AclSet: (int)v.Int("aclSet", 0, _aclSets - 1, 0),
                    Enabled: v.Bool("enabled", true));

                int dup = result.FindIndex(x => x.Id == id);
                if (dup >= 0) throw errors.At($"{at}.id", $"vNIC {id} is already defined by {path}[{dup}]");
                dup = result.FindIndex(x => x.Entry.Vni == e.Vni && x.Entry.Mac == e.Mac);
                if (dup >= 0)
                    throw errors.At($"{at}.mac", $"{NetFormat.Mac(e.Mac)} is already used in VNI {e.Vni} by {path}[{dup}]");
                dup = result.FindIndex(x => x.Entry.Vni == e.Vni && x.Entry.Ip == e.Ip);
                if (dup >= 0)
                    throw errors.At($"{at}.ip", $"{NetFormat.Ip(e.Ip)} is already used in VNI {e.Vni} by {path}[{dup}]");
                if (e.GwIp == e.Ip)
                    throw errors.At($"{at}.gateway", $"{NetFormat.Ip(e.GwIp)} is the vNIC's own address");
                result.Add(new VnicConfig(id, e));
            }
            return result;
        }

        private List<RouteEntry> Routes(List<JsonElement> items, string path, List<VnicConfig> vnics)
        {
            if (items.Count > _routes)
                throw errors.At(path, $"{items.Count} routes, but the card has {_routes} route entries");
            var result = new List<RouteEntry>();
            for (int i = 0; i < items.Count; i++)
            {
                string at = $"{path}[{i}]";
                var r = new ObjectReader(items[i], at, errors, "vni", "prefix", "type", "vnic", "vtep", "tunnel");
                uint vni = (uint)r.Int("vni", 0, 0xFF_FFFF);
                var (prefix, len) = r.Prefix("prefix");
                RouteType type = r.Choice("type", RouteTypes);
                uint value = 0;
                JsonElement? vnic = r.Optional("vnic"), vtep = r.Optional("vtep"), tunnelField = r.Optional("tunnel");
                if (type == RouteType.Local)
                {
                    int id = (int)r.ParseInt(vnic ?? throw errors.At(at, "missing field \"vnic\" (needed by type local)"),
                        $"{at}.vnic", 0, _nVnic - 1);
                    if (!vnics.Exists(v => v.Id == id))
                        throw errors.At($"{at}.vnic", $"vNIC {id} is not defined in vnics");
                    value = (uint)id;
                }
                else if (vnic is not null)
                    throw errors.At($"{at}.vnic", "only allowed with type local");
                if (type == RouteType.Vtep)
                    value = r.ParseIp(vtep ?? throw errors.At(at, "missing field \"vtep\" (needed by type vtep)"), $"{at}.vtep");
                else if (vtep is not null)
                    throw errors.At($"{at}.vtep", "only allowed with type vtep");
                TunnelType tunnel = TunnelType.Vxlan;
                if (tunnelField is { } t)
                {
                    tunnel = r.ParseChoice(t, $"{at}.tunnel", Tunnels);
                    if (type != RouteType.Vtep) throw errors.At($"{at}.tunnel", "only allowed with type vtep");
                }

                int dup = result.FindIndex(x => x.Vni == vni && x.Prefix == prefix && x.PrefixLen == len);
                if (dup >= 0)
                    throw errors.At($"{at}.prefix", $"{NetFormat.Prefix(prefix, len)} in VNI {vni} is already routed by {path}[{dup}]");
                result.Add(new RouteEntry(true, vni, prefix, len, type, value, tunnel));
            }
            return result;
        }

        private List<MappingEntry> Mappings(List<JsonElement> items, string path, NicGlobalConfig global, List<VnicConfig> vnics)
        {
            var result = new List<MappingEntry>();
            var bucketFill = new Dictionary<int, int>();
            for (int i = 0; i < items.Count; i++)
            {
                string at = $"{path}[{i}]";
                var m = new ObjectReader(items[i], at, errors, "vni", "ip", "vtep", "mac", "tunnel");
                var e = new MappingEntry(true, (uint)m.Int("vni", 0, 0xFF_FFFF), m.Ip("ip"), m.Ip("vtep"), m.Mac("mac"),
                    m.OptionalChoice("tunnel", Tunnels, TunnelType.Vxlan));

                int dup = result.FindIndex(x => x.Vni == e.Vni && x.Ip == e.Ip);
                if (dup >= 0)
                    throw errors.At($"{at}.ip", $"{NetFormat.Ip(e.Ip)} in VNI {e.Vni} is already mapped by {path}[{dup}]");
                if (e.Vtep == global.VtepIp && !vnics.Exists(v => v.Entry.Vni == e.Vni && v.Entry.Mac == e.Mac))
                    throw errors.At($"{at}.mac",
                        $"VTEP is this card ({NetFormat.Ip(e.Vtep)}) but no vNIC in VNI {e.Vni} has MAC {NetFormat.Mac(e.Mac)}");
                if (limits is not null)
                {
                    int bucket = (int)(Hashing.Crc32C.MappingKey(e.Vni, e.Ip) % (uint)limits.MapBuckets);
                    int fill = bucketFill.GetValueOrDefault(bucket);
                    if (fill >= limits.MapWays)
                        throw errors.At(at, $"hash bucket {bucket} is already full ({limits.MapWays} ways): the card cannot hold this mapping");
                    bucketFill[bucket] = fill + 1;
                }
                result.Add(e);
            }
            return result;
        }

        private List<AclSetConfig> Acls(List<JsonElement> items, string path)
        {
            var result = new List<AclSetConfig>();
            for (int i = 0; i < items.Count; i++)
            {
                string at = $"{path}[{i}]";
                var s = new ObjectReader(items[i], at, errors, "set", "rules");
                int set = (int)s.Int("set", 0, _aclSets - 1);
                int dup = result.FindIndex(x => x.Set == set);
                if (dup >= 0) throw errors.At($"{at}.set", $"ACL set {set} is already defined by {path}[{dup}]");
                List<JsonElement> ruleItems = s.Array("rules", out string rulesPath);
                if (ruleItems.Count > _aclRules)
                    throw errors.At(rulesPath, $"{ruleItems.Count} rules, but the card has {_aclRules} rules per set");
                var rules = new List<AclRule>();
                for (int j = 0; j < ruleItems.Count; j++)
                    rules.Add(Rule(new ObjectReader(ruleItems[j], $"{rulesPath}[{j}]", errors,
                        "direction", "action", "proto", "src", "dst", "sport", "dport")));
                result.Add(new AclSetConfig(set, rules));
            }
            return result;
        }

        private AclRule Rule(ObjectReader r)
        {
            AclDirection dir = r.Choice("direction", Directions);
            bool allow = r.Choice("action", Actions);
            byte proto = 0;
            if (r.Optional("proto") is { } p)
                proto = p.ValueKind == JsonValueKind.Number
                    ? (byte)r.ParseInt(p, r.Child("proto"), 0, 255)
                    : p.ValueKind == JsonValueKind.String && Protocols.TryGetValue(p.GetString()!, out byte known)
                        ? known
                        : throw errors.At(r.Child("proto"), $"{ObjectReader.Raw(p)} is not any, tcp, udp, icmp or a protocol number");
            var (src, srcLen) = r.OptionalPrefix("src");
            var (dst, dstLen) = r.OptionalPrefix("dst");
            (ushort Lo, ushort Hi) sport = (0, 65535), dport = (0, 65535);
            foreach (string name in (string[])["sport", "dport"])
            {
                if (r.Optional(name) is not { } e) continue;
                var range = r.ParsePorts(e, r.Child(name));
                if (range != (0, 65535) && proto != 6 && proto != 17)
                    throw errors.At(r.Child(name), "port ranges need proto tcp or udp");
                if (name == "sport") sport = range; else dport = range;
            }
            return new AclRule(true, dir, allow, proto, src, srcLen, dst, dstLen, sport.Lo, sport.Hi, dport.Lo, dport.Hi);
        }
    }
}
