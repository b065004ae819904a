using System.Text.Json;
using Nezha.Common.Hashing;
using Nezha.Common.Registers;

namespace Nezha.Driver.Config;

/// <summary>
/// Reads and validates a JSON card configuration (comments and trailing commas allowed).
/// Every problem is reported, one line each naming the file and the field, in one <see cref="ConfigException"/>;
/// a config that loads is complete, consistent with the card's limits and its references resolve (ACL sets,
/// vNICs of local routes and local mappings), so <see cref="NicDriver.Apply"/> cannot fail on it, nor a vNIC
/// lose all its traffic, for a reason the file could have avoided.
/// </summary>
public static class NicConfigLoader
{
    /// <summary>Loads <paramref name="path"/>; with <paramref name="limits"/> also checks ids and sizes against the card.</summary>
    public static NicConfig Load(string path, NicInfo? limits = null)
    {
        if (Directory.Exists(path)) throw new ConfigException($"{path}: is a directory, not a config file");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigException($"{path}: no such file");
        }
        catch (UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read: permission denied");
        }
        catch (Exception e) when (e is IOException or ArgumentException or NotSupportedException)
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
        {
            NicConfig? config = errors.Try(() => new Builder(errors, limits).Build(doc.RootElement), null);
            errors.ThrowIfAny();
            return config!;
        }
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

    /// <summary>
    /// Builds the config from the parsed document, section by section, then checks that references resolve.
    /// Errors are recorded and reading goes on; an item with an error is left out of the checks that compare
    /// items, and a section with an error out of the reference checks (they would report its errors again).
    /// </summary>
    private sealed class Builder(ConfigErrors errors, NicInfo? limits)
    {
        // Without a card, the limits are the widest any build of the register map allows.
        private readonly int _nVnic = limits?.NVnic ?? 256;
        private readonly int _aclSets = limits?.AclSets ?? 256;
        private readonly int _aclRules = limits?.AclRules ?? int.MaxValue;
        private readonly int _routes = limits?.Routes ?? int.MaxValue;
        private readonly int _mtuMax = limits?.MtuMax ?? 9216;

        /// <summary>A vNIC as read, with where it is in the file and whether its ACL set was written or defaulted.</summary>
        private readonly record struct VnicItem(VnicConfig Vnic, string At, bool AclSetGiven);

        private bool _vnicsComplete = true, _aclSetsComplete = true;

        public NicConfig? Build(JsonElement root)
        {
            var r = new ObjectReader(root, "", errors, "global", "vnics", "routes", "mappings", "acls", "offload");
            NicGlobalConfig? global = errors.Try(() => Global(new ObjectReader(r.Required("global"), "global", errors,
                "nicMac", "vtepIp", "nextHopMac", "gatewayMac", "mtu", "vmMtu", "idleTimeout", "closeTimeout", "tickCycles")), null);
            List<VnicItem> vnics = Vnics(r.Array("vnics", out string vp), vp);
            List<RouteEntry> routes = Routes(r.Array("routes", out string rp) ?? [], rp, vnics);
            List<MappingEntry> mappings = Mappings(r.Array("mappings", out string mp) ?? [], mp, global, vnics);
            List<AclSetConfig> acls = Acls(r.Array("acls", out string ap), ap);
            var offload = errors.Try(() => Nezha.Driver.Offload.OffloadPolicyReader.Read(r, errors), null);
            AclSetsResolve(vnics, acls);
            return global is null ? null : new NicConfig(global, vnics.ConvertAll(v => v.Vnic), routes, mappings, acls, offload);
        }

        /// <returns>null if a field is wrong (reported).</returns>
        private NicGlobalConfig? Global(ObjectReader g)
        {
            // fields are read (and their errors reported) in the order they are declared
            ulong nicMac = g.Mac("nicMac");
            uint vtepIp = g.Ip("vtepIp");
            ulong nextHopMac = g.Mac("nextHopMac"), gatewayMac = g.Mac("gatewayMac");
            int mtu = (int)g.Int("mtu", 64, _mtuMax, Math.Min(1518, _mtuMax));
            int? vmMtu = g.Optional("vmMtu") is null ? null : (int)g.Int("vmMtu", 64, _mtuMax);
            var c = new NicGlobalConfig(
                NicMac: nicMac,
                VtepIp: vtepIp,
                NextHopMac: nextHopMac,
                GatewayMac: gatewayMac,
                Mtu: mtu,
                IdleTimeout: (int)g.Int("idleTimeout", 0, 32767, 1000),
                CloseTimeout: (int)g.Int("closeTimeout", 0, 32767, 100),
                TickCycles: (int)g.Int("tickCycles", 0, 0xFF_FFFF, 1000),   // 0 = external tick (tick_in)
                VmMtu: vmMtu);
            // every frame a VM may send must fit the underlay once encapsulated (datapath-spec 4.1)
            if (vmMtu is { } vm && vm + NicGlobalConfig.EncapOverhead > mtu)
                g.Report(g.Child("vmMtu"), $"{vm} + {NicGlobalConfig.EncapOverhead} bytes of encapsulation exceeds mtu {mtu}: such a VM frame would not fit the underlay");
            else if (vmMtu is null && c.EffectiveVmMtu < 64)
                g.Report(g.Child("mtu"), $"{mtu} leaves VM frames less than 64 bytes after the {NicGlobalConfig.EncapOverhead}-byte encapsulation (set vmMtu)");
            return g.Failed ? null : c;
        }

        /// <summary>Reads the object at <paramref name="at"/>; null (reported) if it is not an object.</summary>
        private ObjectReader? Item(JsonElement item, string at, params string[] known) =>
            errors.Try(() => new ObjectReader(item, at, errors, known), null);

        private List<VnicItem> Vnics(List<JsonElement>? items, string path)
        {
            var result = new List<VnicItem>();
            if (items is null)
            {
                _vnicsComplete = false;
                return result;
            }
            for (int i = 0; i < items.Count; i++)
            {
                string at = $"{path}[{i}]";
                if (Item(items[i], at, "id", "vni", "mac", "ip", "gateway", "aclSet", "enabled") is not { } v)
                {
                    _vnicsComplete = false;
                    continue;
                }
                int id = (int)v.Int("id", 0, _nVnic - 1);
                var e = new VnicEntry(
                    Vni: (uint)v.Int("vni", 0, 0xFF_FFFF),
                    Mac: v.Mac("mac"),
                    Ip: v.Ip("ip"),
                    GwIp: v.Ip("gateway"),
                    AclSet: (int)v.Int("aclSet", 0, _aclSets - 1, 0),
                    Enabled: v.Bool("enabled", true));
                if (v.Failed)
                {
                    _vnicsComplete = false;
                    continue;
                }

                int dup = result.FindIndex(x => x.Vnic.Id == id);
                if (dup >= 0) v.Report($"{at}.id", $"vNIC {id} is already defined by {result[dup].At}");
                dup = result.FindIndex(x => x.Vnic.Entry.Vni == e.Vni && x.Vnic.Entry.Mac == e.Mac);
                if (dup >= 0) v.Report($"{at}.mac", $"{NetFormat.Mac(e.Mac)} is already used in VNI {e.Vni} by {result[dup].At}");
                dup = result.FindIndex(x => x.Vnic.Entry.Vni == e.Vni && x.Vnic.Entry.Ip == e.Ip);
                if (dup >= 0) v.Report($"{at}.ip", $"{NetFormat.Ip(e.Ip)} is already used in VNI {e.Vni} by {result[dup].At}");
                if (e.GwIp == e.Ip) v.Report($"{at}.gateway", $"{NetFormat.Ip(e.GwIp)} is the vNIC's own address");
                if (v.Failed)
                    _vnicsComplete = false;
                else
                    result.Add(new VnicItem(new VnicConfig(id, e), at, v.Optional("aclSet") is not null));
            }
            return result;
        }

        private List<RouteEntry> Routes(List<JsonElement> items, string path, List<VnicItem> vnics)
        {
            if (items.Count > _routes)
                errors.Report(path, $"{items.Count} routes, but the card has {_routes} route entries");
            var result = new List<RouteEntry>();
            var where = new List<string>();
            for (int i = 0; i < items.Count; i++)
            {
                string at = $"{path}[{i}]";
                if (Item(items[i], at, "vni", "prefix", "type", "vnic", "vtep", "tunnel") is not { } r) continue;
                uint vni = (uint)r.Int("vni", 0, 0xFF_FFFF);
                var (prefix, len) = r.Prefix("prefix");
                RouteType? type = r.Field<RouteType?>(() => r.ParseChoice(r.Required("type"), r.Child("type"), RouteTypes), null);
                uint value = 0;
                JsonElement? vnic = r.Optional("vnic"), vtep = r.Optional("vtep"), tunnelField = r.Optional("tunnel");
                if (type == RouteType.Local)
                {
                    if (vnic is not { } vn)
                        r.Report(at, "missing field \"vnic\" (needed by type local)");
                    else
                    {
                        int id = (int)r.Field(() => r.ParseInt(vn, $"{at}.vnic", 0, _nVnic - 1), -1);
                        if (id >= 0) LocalVnicResolves(r, $"{at}.vnic", id, NetFormat.Prefix(prefix, len), vnics);
                        value = (uint)Math.Max(id, 0);
                    }
                }
                else if (vnic is not null && type is not null)
                    r.Report($"{at}.vnic", "only allowed with type local");
                if (type == RouteType.Vtep)
                {
                    if (vtep is not { } vt)
                        r.Report(at, "missing field \"vtep\" (needed by type vtep)");
                    else
                        value = r.Field(() => r.ParseIp(vt, $"{at}.vtep"), 0u);
                }
                else if (vtep is not null && type is not null)
                    r.Report($"{at}.vtep", "only allowed with type vtep");
                TunnelType tunnel = TunnelType.Vxlan;
                if (tunnelField is { } t)
                {
                    tunnel = r.Field(() => r.ParseChoice(t, $"{at}.tunnel", Tunnels), TunnelType.Vxlan);
                    if (type is not null and not RouteType.Vtep) r.Report($"{at}.tunnel", "only allowed with type vtep");
                }
                if (r.Failed || type is not { } ty) continue;

                int dup = result.FindIndex(x => x.Vni == vni && x.Prefix == prefix && x.PrefixLen == len);
                if (dup >= 0)
                {
                    r.Report($"{at}.prefix", $"{NetFormat.Prefix(prefix, len)} in VNI {vni} is already routed by {where[dup]}");
                    continue;
                }
                result.Add(new RouteEntry(true, vni, prefix, len, ty, value, tunnel));
                where.Add(at);
            }
            return result;
        }

        /// <summary>A LOCAL route's vNIC must be defined and enabled (else the card drops its frames as NO_ROUTE).</summary>
        private void LocalVnicResolves(ObjectReader r, string at, int id, string prefix, List<VnicItem> vnics)
        {
            int k = vnics.FindIndex(v => v.Vnic.Id == id);
            if (k < 0)
            {
                if (_vnicsComplete) r.Report(at, $"vNIC {id} is not defined in vnics");
            }
            else if (!vnics[k].Vnic.Entry.Enabled)
                r.Report(at, $"vNIC {id} ({vnics[k].At}) is disabled: every frame routed to {prefix} would be dropped (NO_ROUTE)");
        }

        private List<MappingEntry> Mappings(List<JsonElement> items, string path, NicGlobalConfig? global, List<VnicItem> vnics)
        {
            var result = new List<MappingEntry>();
            var where = new List<string>();
            var bucketFill = new Dictionary<int, int>();
            for (int i = 0; i < items.Count; i++)
            {
                string at = $"{path}[{i}]";
                if (Item(items[i], at, "vni", "ip", "vtep", "mac", "tunnel") is not { } m) continue;
                var e = new MappingEntry(true, (uint)m.Int("vni", 0, 0xFF_FFFF), m.Ip("ip"), m.Ip("vtep"), m.Mac("mac"),
                    m.OptionalChoice("tunnel", Tunnels, TunnelType.Vxlan));
                if (m.Failed) continue;

                int dup = result.FindIndex(x => x.Vni == e.Vni && x.Ip == e.Ip);
                if (dup >= 0)
                {
                    m.Report($"{at}.ip", $"{NetFormat.Ip(e.Ip)} in VNI {e.Vni} is already mapped by {where[dup]}");
                    continue;
                }
                if (global is not null && e.Vtep == global.VtepIp && _vnicsComplete)
                    LocalMappingResolves(m, at, e, global, vnics);
                if (limits is not null)
                {
                    int bucket = (int)(Crc32C.MappingKey(e.Vni, e.Ip) % (uint)limits.MapBuckets);
                    int fill = bucketFill.GetValueOrDefault(bucket);
                    if (fill >= limits.MapWays)
                        m.Report(at, $"hash bucket {bucket} is already full ({limits.MapWays} ways): the card cannot hold this mapping");
                    else
                        bucketFill[bucket] = fill + 1;
                }
                result.Add(e);
                where.Add(at);
            }
            return result;
        }

        /// <summary>
        /// A mapping to this card's VTEP delivers to the enabled vNIC with its VNI and MAC (else the card drops the
        /// frames as UNKNOWN_VNIC).
        /// </summary>
        private static void LocalMappingResolves(ObjectReader m, string at, MappingEntry e, NicGlobalConfig global, List<VnicItem> vnics)
        {
            var same = vnics.FindAll(v => v.Vnic.Entry.Vni == e.Vni && v.Vnic.Entry.Mac == e.Mac);
            if (same.Count == 0)
                m.Report($"{at}.mac",
                    $"VTEP is this card ({NetFormat.Ip(e.Vtep)}) but no vNIC in VNI {e.Vni} has MAC {NetFormat.Mac(e.Mac)}");
            else if (!same.Exists(v => v.Vnic.Entry.Enabled))
                m.Report($"{at}.mac",
                    $"the vNIC with MAC {NetFormat.Mac(e.Mac)} in VNI {e.Vni} ({same[0].At}) is disabled: every frame to {NetFormat.Ip(e.Ip)} would be dropped (UNKNOWN_VNIC)");
        }

        private List<AclSetConfig> Acls(List<JsonElement>? items, string path)
        {
            var result = new List<AclSetConfig>();
            if (items is null)
            {
                _aclSetsComplete = false;
                return result;
            }
            var where = new List<string>();
            for (int i = 0; i < items.Count; i++)
            {
                string at = $"{path}[{i}]";
                if (Item(items[i], at, "set", "rules") is not { } s)
                {
                    _aclSetsComplete = false;
                    continue;
                }
                int set = (int)s.Field(() => s.ParseInt(s.Required("set"), s.Child("set"), 0, _aclSets - 1), -1);
                if (set < 0) _aclSetsComplete = false;
                List<JsonElement> ruleItems = s.Array("rules", out string rulesPath) ?? [];
                if (ruleItems.Count > _aclRules)
                    s.Report(rulesPath, $"{ruleItems.Count} rules, but the card has {_aclRules} rules per set");
                var rules = new List<AclRule>();
                for (int j = 0; j < ruleItems.Count; j++)
                    if (Item(ruleItems[j], $"{rulesPath}[{j}]", "direction", "action", "proto", "src", "dst", "sport", "dport") is { } rule)
                        rules.Add(Rule(rule));
                if (set < 0) continue;
                int dup = result.FindIndex(x => x.Set == set);
                if (dup >= 0)
                {
                    s.Report($"{at}.set", $"ACL set {set} is already defined by {where[dup]}");
                    continue;
                }
                result.Add(new AclSetConfig(set, rules));
                where.Add(at);
            }
            return result;
        }

        /// <summary>
        /// The ACL set of every enabled vNIC is defined (no rule denies: a set without rules would deny every
        /// frame of the vNIC). A disabled vNIC carries no traffic and is not checked.
        /// </summary>
        private void AclSetsResolve(List<VnicItem> vnics, List<AclSetConfig> acls)
        {
            if (!_aclSetsComplete) return;
            foreach (var (v, at, given) in vnics)
                if (v.Entry.Enabled && !acls.Exists(a => a.Set == v.Entry.AclSet))
                    errors.Report($"{at}.aclSet",
                        $"ACL set {v.Entry.AclSet}{(given ? "" : " (the default)")} is not defined in acls: every frame of vNIC {v.Id} would be denied");
        }

        private AclRule Rule(ObjectReader r)
        {
            AclDirection dir = r.Choice("direction", Directions, AclDirection.Ingress);
            bool allow = r.Choice("action", Actions, false);
            byte? proto = 0;   // null: unreadable (reported)
            if (r.Optional("proto") is { } p)
                proto = r.Field<byte?>(() => p.ValueKind == JsonValueKind.Number
                    ? (byte)r.ParseInt(p, r.Child("proto"), 0, 255)
                    : p.ValueKind == JsonValueKind.String && Protocols.TryGetValue(p.GetString()!, out byte known)
                        ? known
                        : throw errors.At(r.Child("proto"), $"{ObjectReader.Raw(p)} is not any, tcp, udp, icmp or a protocol number"),
                    null);
            var (src, srcLen) = r.OptionalPrefix("src");
            var (dst, dstLen) = r.OptionalPrefix("dst");
            (ushort Lo, ushort Hi) sport = (0, 65535), dport = (0, 65535);
            foreach (string name in (string[])["sport", "dport"])
            {
                if (r.Optional(name) is not { } e) continue;
                var range = r.Field(() => r.ParsePorts(e, r.Child(name)), ((ushort)0, (ushort)65535));
                if (range != (0, 65535) && proto is not (null or 6 or 17))
                    r.Report(r.Child(name), "port ranges need proto tcp or udp");
                if (name == "sport") sport = range; else dport = range;
            }
            return new AclRule(true, dir, allow, proto ?? 0, src, srcLen, dst, dstLen, sport.Lo, sport.Hi, dport.Lo, dport.Hi);
        }
    }
}
