using System.Text.Json.Nodes;
using Nezha.Driver;
using Nezha.Driver.Config;
using Nezha.Common.Hashing;
using Nezha.Common.Registers;
using NUnit.Framework;

namespace Nezha.Tests.Driver;

[TestFixture]
public class NicConfigLoaderTests
{
    private const string Base = """
    {
      "global": { "nicMac": "02:00:00:00:01:01", "vtepIp": "192.168.100.1", "nextHopMac": "02:00:00:00:fe:01",
                  "gatewayMac": "02:00:00:00:00:fe", "mtu": 1600 },
      "vnics": [
        { "id": 0, "vni": 100, "mac": "02:64:00:00:00:0a", "ip": "10.0.0.10", "gateway": "10.0.0.1", "aclSet": 0 },
        { "id": 1, "vni": 100, "mac": "02:64:00:00:00:0b", "ip": "10.0.0.11", "gateway": "10.0.0.1" },
        { "id": 3, "vni": 200, "mac": "02:c8:00:00:00:0a", "ip": "10.0.0.10", "gateway": "10.0.0.1", "aclSet": 1, "enabled": false }
      ],
      "routes": [
        { "vni": 100, "prefix": "10.0.0.0/24", "type": "mapped" },
        { "vni": 100, "prefix": "0.0.0.0/0", "type": "vtep", "vtep": "192.168.100.254" },
        { "vni": 200, "prefix": "10.0.0.11/32", "type": "local", "vnic": 1 },
        { "vni": 200, "prefix": "169.254.0.0/16", "type": "drop" }
      ],
      "mappings": [
        { "vni": 100, "ip": "10.0.0.10", "vtep": "192.168.100.1", "mac": "02:64:00:00:00:0a" },
        { "vni": 100, "ip": "10.0.0.20", "vtep": "192.168.100.2", "mac": "02:64:00:00:00:14" }
      ],
      "acls": [
        { "set": 0, "rules": [
            { "direction": "egress", "action": "allow" },
            { "direction": "ingress", "action": "allow", "proto": "tcp", "src": "10.0.0.0/8", "dport": "1000-2000", "sport": 80 },
            { "direction": "ingress", "action": "deny", "proto": 47, "dst": "10.0.0.10" }
        ] }
      ]
    }
    """;

    private static NicConfig Parse(string text, NicInfo? limits = null) => NicConfigLoader.Parse(text, "nic.json", limits);

    private static string Mutated(Action<JsonObject> mutate)
    {
        var root = JsonNode.Parse(Base)!.AsObject();
        mutate(root);
        return root.ToJsonString();
    }

    private static string ErrorOf(string text, NicInfo? limits = null) =>
        Assert.Throws<ConfigException>(() => Parse(text, limits))!.Message;

    private static uint Ip(string s) => NetFormat.TryParseIp(s, out uint ip) ? ip : throw new ArgumentException(s);

    [Test]
    public void TheShippedControllerConfigLoadsWithItsPolicy()
    {
        var c = NicConfigLoader.Load(TestFiles.Find(Path.Combine("configs", "cluster-controller.json")));
        Assert.That(c.Offload, Is.Not.Null);
        Assert.That(c.Offload!.SampleCycles, Is.EqualTo(25_000));
        Assert.That(c.Offload.DrainCycles, Is.EqualTo(5_000));
        Assert.That(c.Offload.Problem(), Is.Null);
    }

    [Test]
    public void BaseConfigLoadsWithAllValues()
    {
        NicConfig c = Parse(Base, FakeCard.W64);
        Assert.That(c.Global, Is.EqualTo(new NicGlobalConfig(0x0200_0000_0101, Ip("192.168.100.1"), 0x0200_0000_FE01,
            0x0200_0000_00FE, 1600, 1000, 100, 1000)));
        Assert.That(c.Vnics.Select(v => v.Id), Is.EqualTo(new[] { 0, 1, 3 }));
        Assert.That(c.Vnics[1].Entry, Is.EqualTo(new VnicEntry(true, 100, 0x0264_0000_000B, Ip("10.0.0.11"), Ip("10.0.0.1"), 0)));
        Assert.That(c.Vnics[2].Entry.Enabled, Is.False);
        Assert.That(c.Routes, Is.EqualTo(new[]
        {
            new RouteEntry(true, 100, Ip("10.0.0.0"), 24, RouteType.Mapped, 0),
            new RouteEntry(true, 100, 0, 0, RouteType.Vtep, Ip("192.168.100.254")),
            new RouteEntry(true, 200, Ip("10.0.0.11"), 32, RouteType.Local, 1),
            new RouteEntry(true, 200, Ip("169.254.0.0"), 16, RouteType.Drop, 0),
        }));
        Assert.That(c.Mappings[1], Is.EqualTo(new MappingEntry(true, 100, Ip("10.0.0.20"), Ip("192.168.100.2"), 0x0264_0000_0014)));
        Assert.That(c.Acls.Single().Rules, Is.EqualTo(new[]
        {
            new AclRule(true, AclDirection.Egress, true, 0, 0, 0, 0, 0, 0, 65535, 0, 65535),
            new AclRule(true, AclDirection.Ingress, true, 6, Ip("10.0.0.0"), 8, 0, 0, 80, 80, 1000, 2000),
            new AclRule(true, AclDirection.Ingress, false, 47, 0, 0, Ip("10.0.0.10"), 32, 0, 65535, 0, 65535),
        }));
    }

    [Test]
    public void VmMtuIsReadAndMayBeSmallerThanTheTunnelAllows()
    {
        NicConfig c = Parse("""{ "global": { "nicMac": "02:00:00:00:00:01", "vtepIp": "1.2.3.4", "nextHopMac": "02:00:00:00:00:02", "gatewayMac": "02:00:00:00:00:03", "mtu": 9000, "vmMtu": 1514 } }""", FakeCard.W64);
        Assert.That(c.Global.VmMtu, Is.EqualTo(1514));
        Assert.That(c.Global.EffectiveVmMtu, Is.EqualTo(1514));
    }

    [Test]
    public void DefaultsApplyWhenFieldsAreLeftOut()
    {
        NicConfig c = Parse("""{ "global": { "nicMac": "02:00:00:00:00:01", "vtepIp": "1.2.3.4", "nextHopMac": "02:00:00:00:00:02", "gatewayMac": "02:00:00:00:00:03" } }""");
        Assert.That(c.Global, Is.EqualTo(new NicGlobalConfig(0x0200_0000_0001, Ip("1.2.3.4"), 0x0200_0000_0002, 0x0200_0000_0003, 1518, 1000, 100, 1000)));
        Assert.That(c.Global.EffectiveVmMtu, Is.EqualTo(1468), "VM_MTU defaults to MTU - 50: every VM frame fits a tunnel");
        Assert.That(c.Vnics, Is.Empty);
        Assert.That(c.Routes, Is.Empty);
        Assert.That(c.Mappings, Is.Empty);
        Assert.That(c.Acls, Is.Empty);
        var tiny = Parse("""{ "global": { "nicMac": "02:00:00:00:00:01", "vtepIp": "1.2.3.4", "nextHopMac": "02:00:00:00:00:02", "gatewayMac": "02:00:00:00:00:03" } }""",
            FakeCard.Tiny with { MtuMax = 1000 });
        Assert.That(tiny.Global.Mtu, Is.EqualTo(1000), "the default MTU never exceeds the card's");
    }

    [Test]
    public void TunnelSelectsGeneveForMappingsAndVtepRoutes()
    {
        NicConfig c = Parse(Mutated(r =>
        {
            r["mappings"]![1]!["tunnel"] = "geneve";
            r["mappings"]![0]!["tunnel"] = "vxlan";
            r["routes"]![1]!["tunnel"] = "geneve";
        }), FakeCard.W64);
        Assert.That(c.Mappings[1], Is.EqualTo(new MappingEntry(true, 100, Ip("10.0.0.20"), Ip("192.168.100.2"), 0x0264_0000_0014,
            TunnelType.Geneve)));
        Assert.That(c.Mappings[0].Tunnel, Is.EqualTo(TunnelType.Vxlan));
        Assert.That(c.Routes[1], Is.EqualTo(new RouteEntry(true, 100, 0, 0, RouteType.Vtep, Ip("192.168.100.254"), TunnelType.Geneve)));
        Assert.That(c.Routes.Where((_, i) => i != 1).Select(x => x.Tunnel), Is.All.EqualTo(TunnelType.Vxlan), "the default is VXLAN");

        NicConfig plain = Parse(Base);
        Assert.That(plain.Mappings.Select(m => m.Tunnel).Concat(plain.Routes.Select(x => x.Tunnel)), Is.All.EqualTo(TunnelType.Vxlan));
        Assert.That(Parse(Mutated(r => r["routes"]![1]!["tunnel"] = "vxlan")).Routes[1].Tunnel, Is.EqualTo(TunnelType.Vxlan));
    }

    [Test]
    public void TickCyclesZeroSelectsTheExternalTick()
    {
        NicConfig c = Parse(Mutated(r => r["global"]!["tickCycles"] = 0), FakeCard.W64);
        Assert.That(c.Global.TickCycles, Is.Zero);
        Assert.That(Parse(Mutated(r => r["global"]!["tickCycles"] = 16777215)).Global.TickCycles, Is.EqualTo(16777215));
    }

    [Test]
    public void CommentsAndTrailingCommasAreAllowed()
    {
        string text = """
        // a comment
        { "global": { /* inline */ "nicMac": "02:00:00:00:00:01", "vtepIp": "1.2.3.4", "nextHopMac": "02:00:00:00:00:02",
          "gatewayMac": "02:00:00:00:00:03", }, "vnics": [], }
        """;
        Assert.DoesNotThrow(() => Parse(text));
    }

    [Test]
    public void TheShippedDefaultConfigIsValidForW64()
    {
        NicConfig c = NicConfigLoader.Load(TestFiles.DefaultConfig, FakeCard.W64);
        Assert.That(c.Global.VtepIp, Is.EqualTo(Ip("192.168.100.1")));
        Assert.That(c.Vnics.Select(v => v.Entry.Vni).Distinct().Order(), Is.EqualTo(new uint[] { 100, 200 }));
        Assert.That(c.Vnics, Has.Count.EqualTo(4));
        Assert.That(c.Mappings.Count(m => m.Vtep == c.Global.VtepIp), Is.EqualTo(4));
        Assert.That(c.Mappings.Where(m => m.Vtep != c.Global.VtepIp).Select(m => m.Vtep).Distinct().Order(),
            Is.EqualTo(new[] { Ip("192.168.100.2"), Ip("192.168.100.3") }));
        Assert.That(c.Routes.Any(r => r.PrefixLen == 0 && r.Type == RouteType.Vtep), Is.True);
        Assert.That(c.Mappings.Where(m => m.Tunnel == TunnelType.Geneve).Select(m => (m.Vni, m.Ip, m.Vtep)),
            Is.EqualTo(new[] { (200u, Ip("10.0.0.20"), Ip("192.168.100.3")) }), "tenant B's remote VM is reached through Geneve");
        Assert.That(c.Acls.Select(a => a.Set), Is.EqualTo(new[] { 0, 1 }));
    }

    [Test]
    public void SyntaxErrorsGiveLineAndColumn()
    {
        string text = "{\n  \"global\": {\n    \"nicMac\": \"02:00:00:00:00:01\"\n    \"vtepIp\": \"1.2.3.4\"\n  }\n}";
        Assert.That(ErrorOf(text), Does.Match(@"^nic\.json: line 4, column 5: .*'""'.*$"));
        Assert.That(ErrorOf(text), Does.Not.Contain("LineNumber"));
        Assert.That(ErrorOf("{ \"global\": "), Does.StartWith("nic.json: line 1, column"));
    }

    [Test]
    public void LoadNamesAMissingFile()
    {
        var e = Assert.Throws<ConfigException>(() => NicConfigLoader.Load("/nonexistent/nic.json"));
        Assert.That(e!.Message, Is.EqualTo("/nonexistent/nic.json: no such file"));
    }

    [Test]
    public void LoadNamesADirectoryAsOne()
    {
        string dir = TestFiles.TempDir();
        var e = Assert.Throws<ConfigException>(() => NicConfigLoader.Load(dir));
        Assert.That(e!.Message, Is.EqualTo($"{dir}: is a directory, not a config file"));
        Directory.Delete(dir);
    }

    [Test]
    public void LoadUsesThePathInMessages()
    {
        string dir = TestFiles.TempDir();
        string path = Path.Combine(dir, "bad.json");
        File.WriteAllText(path, Mutated(r => r["vnics"]![0]!["mac"] = "zz:00:00:00:00:01"));
        var e = Assert.Throws<ConfigException>(() => NicConfigLoader.Load(path));
        Assert.That(e!.Message, Is.EqualTo($"{path}: vnics[0].mac: \"zz:00:00:00:00:01\" is not a MAC address"));
        Directory.Delete(dir, true);
    }

    public static IEnumerable<TestCaseData> Errors()
    {
        TestCaseData Case(string name, Action<JsonObject> m, string expected, NicInfo? limits = null) =>
            new TestCaseData(m, expected, limits).SetName($"Error_{name}");
        JsonNode V(JsonObject r, int i) => r["vnics"]![i]!;
        JsonNode R(JsonObject r, int i) => r["routes"]![i]!;
        JsonNode M(JsonObject r, int i) => r["mappings"]![i]!;
        JsonNode Rule(JsonObject r, int i) => r["acls"]![0]!["rules"]![i]!;
        NicInfo w64 = FakeCard.W64;

        // structure
        yield return Case("MissingGlobal", r => r.Remove("global"), "nic.json: missing field \"global\"");
        yield return Case("UnknownTopLevel", r => r["vnic"] = 1, "nic.json: vnic: unknown field (expected global, vnics, routes, mappings, acls, offload)");
        yield return Case("GlobalNotObject", r => r["global"] = 3, "nic.json: global: expected an object, found 3");
        yield return Case("VnicsNotArray", r => r["vnics"] = new JsonObject(), "nic.json: vnics: expected an array, found an object");
        yield return Case("VnicNotObject", r => r["vnics"]![0] = 5, "nic.json: vnics[0]: expected an object, found 5");
        yield return Case("UnknownVnicField", r => V(r, 1)["macc"] = "x",
            "nic.json: vnics[1].macc: unknown field (expected id, vni, mac, ip, gateway, aclSet, enabled)");
        yield return Case("MissingVnicField", r => V(r, 2).AsObject().Remove("gateway"), "nic.json: vnics[2]: missing field \"gateway\"");
        yield return Case("NullIsMissing", r => V(r, 0)["ip"] = null, "nic.json: vnics[0]: missing field \"ip\"");

        // global
        yield return Case("GlobalBadMac", r => r["global"]!["nicMac"] = "02:00:00:00:01", "nic.json: global.nicMac: \"02:00:00:00:01\" is not a MAC address");
        yield return Case("GlobalBadIp", r => r["global"]!["vtepIp"] = "192.168.100.256", "nic.json: global.vtepIp: \"192.168.100.256\" is not an IPv4 address");
        yield return Case("MtuTooBig", r => r["global"]!["mtu"] = 9217, "nic.json: global.mtu: 9217 is out of range 64..9216", w64);
        yield return Case("MtuTooBigForW8", r => { }, "nic.json: global.mtu: 1600 is out of range 64..1536", FakeCard.Tiny);
        yield return Case("MtuTooSmall", r => r["global"]!["mtu"] = 63, "nic.json: global.mtu: 63 is out of range 64..9216");
        yield return Case("VmMtuPastTheTunnel", r => r["global"]!["vmMtu"] = 1551,
            "nic.json: global.vmMtu: 1551 + 50 bytes of encapsulation exceeds mtu 1600: such a VM frame would not fit the underlay");
        yield return Case("VmMtuTooSmall", r => r["global"]!["vmMtu"] = 63, "nic.json: global.vmMtu: 63 is out of range 64..9216");
        yield return Case("MtuLeavesNoVmFrames", r => r["global"]!["mtu"] = 100,
            "nic.json: global.mtu: 100 leaves VM frames less than 64 bytes after the 50-byte encapsulation (set vmMtu)");
        yield return Case("IdleTimeout", r => r["global"]!["idleTimeout"] = 32768, "nic.json: global.idleTimeout: 32768 is out of range 0..32767");
        yield return Case("CloseTimeout", r => r["global"]!["closeTimeout"] = -1, "nic.json: global.closeTimeout: -1 is out of range 0..32767");
        yield return Case("TickTooBig", r => r["global"]!["tickCycles"] = 16777216, "nic.json: global.tickCycles: 16777216 is out of range 0..16777215");
        yield return Case("TickNegative", r => r["global"]!["tickCycles"] = -1, "nic.json: global.tickCycles: -1 is out of range 0..16777215");

        // vNICs
        yield return Case("BadMac", r => V(r, 2)["mac"] = "zz:00:00:00:00:01", "nic.json: vnics[2].mac: \"zz:00:00:00:00:01\" is not a MAC address");
        yield return Case("MulticastMac", r => V(r, 0)["mac"] = "01:00:5e:00:00:01", "nic.json: vnics[0].mac: \"01:00:5e:00:00:01\" is a multicast MAC address");
        yield return Case("ZeroMac", r => V(r, 0)["mac"] = "00:00:00:00:00:00", "nic.json: vnics[0].mac: \"00:00:00:00:00:00\" is the all-zero MAC address");
        yield return Case("MacNotString", r => V(r, 0)["mac"] = 12, "nic.json: vnics[0].mac: 12 is not a MAC address");
        yield return Case("ShortIp", r => V(r, 0)["ip"] = "10.0.0", "nic.json: vnics[0].ip: \"10.0.0\" is not an IPv4 address");
        yield return Case("LongIp", r => V(r, 0)["ip"] = "10.0.0.1.2", "nic.json: vnics[0].ip: \"10.0.0.1.2\" is not an IPv4 address");
        yield return Case("LeadingZeroIp", r => V(r, 0)["ip"] = "010.0.0.1", "nic.json: vnics[0].ip: \"010.0.0.1\" is not an IPv4 address");
        yield return Case("IpNotString", r => V(r, 0)["ip"] = 5, "nic.json: vnics[0].ip: 5 is not an IPv4 address");
        yield return Case("VniRange", r => V(r, 0)["vni"] = 16777216, "nic.json: vnics[0].vni: 16777216 is out of range 0..16777215");
        yield return Case("VniString", r => V(r, 0)["vni"] = "100", "nic.json: vnics[0].vni: \"100\" is not a number");
        yield return Case("VniFraction", r => V(r, 0)["vni"] = 1.5, "nic.json: vnics[0].vni: 1.5 is not an integer");
        yield return Case("VnicIdRange", r => V(r, 1)["id"] = 16, "nic.json: vnics[1].id: 16 is out of range 0..15", w64);
        yield return Case("VnicIdNegative", r => V(r, 1)["id"] = -1, "nic.json: vnics[1].id: -1 is out of range 0..255");
        yield return Case("DuplicateVnicId", r => V(r, 2)["id"] = 0, "nic.json: vnics[2].id: vNIC 0 is already defined by vnics[0]");
        yield return Case("DuplicateMacInVni", r => V(r, 1)["mac"] = "02:64:00:00:00:0a",
            "nic.json: vnics[1].mac: 02:64:00:00:00:0a is already used in VNI 100 by vnics[0]");
        yield return Case("DuplicateIpInVni", r => V(r, 1)["ip"] = "10.0.0.10", "nic.json: vnics[1].ip: 10.0.0.10 is already used in VNI 100 by vnics[0]");
        yield return Case("GatewayIsOwnIp", r => V(r, 1)["gateway"] = "10.0.0.11", "nic.json: vnics[1].gateway: 10.0.0.11 is the vNIC's own address");
        yield return Case("AclSetRange", r => V(r, 0)["aclSet"] = 4, "nic.json: vnics[0].aclSet: 4 is out of range 0..3", w64);
        yield return Case("EnabledNotBool", r => V(r, 0)["enabled"] = "yes", "nic.json: vnics[0].enabled: \"yes\" is not true or false");

        // routes
        yield return Case("PrefixLength", r => R(r, 0)["prefix"] = "10.0.0.0/33", "nic.json: routes[0].prefix: \"10.0.0.0/33\" is not an IPv4 prefix");
        yield return Case("PrefixGarbage", r => R(r, 0)["prefix"] = "10.0.0.0/2x", "nic.json: routes[0].prefix: \"10.0.0.0/2x\" is not an IPv4 prefix");
        yield return Case("PrefixAnyNotAllowed", r => R(r, 0)["prefix"] = "any", "nic.json: routes[0].prefix: \"any\" is not an IPv4 prefix");
        yield return Case("PrefixHostBits", r => R(r, 0)["prefix"] = "10.0.0.1/24",
            "nic.json: routes[0].prefix: \"10.0.0.1/24\" has host bits set (did you mean \"10.0.0.0/24\"?)");
        yield return Case("RouteType", r => R(r, 0)["type"] = "bridge", "nic.json: routes[0].type: \"bridge\" is not one of drop, local, vtep, mapped");
        yield return Case("LocalWithoutVnic", r => R(r, 2).AsObject().Remove("vnic"), "nic.json: routes[2]: missing field \"vnic\" (needed by type local)");
        yield return Case("LocalUndefinedVnic", r => R(r, 2)["vnic"] = 9, "nic.json: routes[2].vnic: vNIC 9 is not defined in vnics");
        yield return Case("LocalVnicRange", r => R(r, 2)["vnic"] = 16, "nic.json: routes[2].vnic: 16 is out of range 0..15", w64);
        yield return Case("LocalDisabledVnic", r => R(r, 2)["vnic"] = 3,
            "nic.json: routes[2].vnic: vNIC 3 (vnics[2]) is disabled: every frame routed to 10.0.0.11/32 would be dropped (NO_ROUTE)");
        yield return Case("LocalVnicWithAnErrorIsNotReportedTwice", r => { V(r, 1)["mac"] = "zz"; },
            "nic.json: vnics[1].mac: \"zz\" is not a MAC address");
        yield return Case("VtepWithoutVtep", r => R(r, 1).AsObject().Remove("vtep"), "nic.json: routes[1]: missing field \"vtep\" (needed by type vtep)");
        yield return Case("VtepBadIp", r => R(r, 1)["vtep"] = "x", "nic.json: routes[1].vtep: \"x\" is not an IPv4 address");
        yield return Case("VtepOnMapped", r => R(r, 0)["vtep"] = "1.2.3.4", "nic.json: routes[0].vtep: only allowed with type vtep");
        yield return Case("VnicOnVtep", r => R(r, 1)["vnic"] = 0, "nic.json: routes[1].vnic: only allowed with type local");
        yield return Case("RouteTunnel", r => R(r, 1)["tunnel"] = "nvgre", "nic.json: routes[1].tunnel: \"nvgre\" is not one of vxlan, geneve");
        yield return Case("TunnelOnMapped", r => R(r, 0)["tunnel"] = "geneve", "nic.json: routes[0].tunnel: only allowed with type vtep");
        yield return Case("UnknownRouteField", r => R(r, 0)["tunel"] = "geneve",
            "nic.json: routes[0].tunel: unknown field (expected vni, prefix, type, vnic, vtep, tunnel)");
        yield return Case("DuplicateRoute", r => R(r, 3)["prefix"] = "10.0.0.11/32",
            "nic.json: routes[3].prefix: 10.0.0.11/32 in VNI 200 is already routed by routes[2]");
        yield return Case("TooManyRoutes", r => r["routes"] = new JsonArray(Enumerable.Range(0, 5)
                .Select(i => (JsonNode)new JsonObject { ["vni"] = i, ["prefix"] = "0.0.0.0/0", ["type"] = "drop" }).ToArray()),
            "nic.json: routes: 5 routes, but the card has 4 route entries", FakeCard.Tiny with { MtuMax = 9216 });

        // mappings
        yield return Case("DuplicateMapping", r => M(r, 1)["ip"] = "10.0.0.10", "nic.json: mappings[1].ip: 10.0.0.10 in VNI 100 is already mapped by mappings[0]");
        yield return Case("LocalMappingWithoutVnic", r => M(r, 0)["mac"] = "02:64:00:00:00:99",
            "nic.json: mappings[0].mac: VTEP is this card (192.168.100.1) but no vNIC in VNI 100 has MAC 02:64:00:00:00:99");
        yield return Case("LocalMappingToAVnicOfAnotherVni", r => M(r, 0)["mac"] = "02:c8:00:00:00:0a",
            "nic.json: mappings[0].mac: VTEP is this card (192.168.100.1) but no vNIC in VNI 100 has MAC 02:c8:00:00:00:0a");
        yield return Case("LocalMappingToADisabledVnic", r => { M(r, 0)["vni"] = 200; M(r, 0)["mac"] = "02:c8:00:00:00:0a"; },
            "nic.json: mappings[0].mac: the vNIC with MAC 02:c8:00:00:00:0a in VNI 200 (vnics[2]) is disabled: every frame to 10.0.0.10 would be dropped (UNKNOWN_VNIC)");
        yield return Case("MappingUnknownField", r => M(r, 0)["vnic"] = 1, "nic.json: mappings[0].vnic: unknown field (expected vni, ip, vtep, mac, tunnel)");
        yield return Case("MappingTunnel", r => M(r, 1)["tunnel"] = "gre", "nic.json: mappings[1].tunnel: \"gre\" is not one of vxlan, geneve");
        yield return Case("MappingTunnelCase", r => M(r, 1)["tunnel"] = "Geneve", "nic.json: mappings[1].tunnel: \"Geneve\" is not one of vxlan, geneve");
        yield return Case("MappingTunnelNotString", r => M(r, 1)["tunnel"] = 1, "nic.json: mappings[1].tunnel: 1 is not one of vxlan, geneve");

        // ACLs
        yield return Case("AclSetRangeInAcls", r => r["acls"]![0]!["set"] = 4, "nic.json: acls[0].set: 4 is out of range 0..3", w64);
        yield return Case("UndefinedAclSet", r => V(r, 1)["aclSet"] = 1,
            "nic.json: vnics[1].aclSet: ACL set 1 is not defined in acls: every frame of vNIC 1 would be denied");
        yield return Case("UndefinedAclSetNotReportedWhenASetIsWrong",
            r => { V(r, 1)["aclSet"] = 1; r["acls"]!.AsArray().Add(new JsonObject { ["set"] = "one" }); },
            "nic.json: acls[1].set: \"one\" is not a number");
        yield return Case("DuplicateAclSet", r => r["acls"]!.AsArray().Add(new JsonObject { ["set"] = 0 }),
            "nic.json: acls[1].set: ACL set 0 is already defined by acls[0]");
        yield return Case("TooManyRules", r => r["acls"]![0]!["rules"] = new JsonArray(Enumerable.Range(0, 17)
                .Select(_ => (JsonNode)new JsonObject { ["direction"] = "egress", ["action"] = "allow" }).ToArray()),
            "nic.json: acls[0].rules: 17 rules, but the card has 16 rules per set", FakeCard.Tiny with { MtuMax = 9216 });
        yield return Case("Direction", r => Rule(r, 0)["direction"] = "in", "nic.json: acls[0].rules[0].direction: \"in\" is not one of ingress, egress");
        yield return Case("Action", r => Rule(r, 0)["action"] = "permit", "nic.json: acls[0].rules[0].action: \"permit\" is not one of allow, deny");
        yield return Case("MissingAction", r => Rule(r, 0).AsObject().Remove("action"), "nic.json: acls[0].rules[0]: missing field \"action\"");
        yield return Case("ProtoName", r => Rule(r, 1)["proto"] = "sctp", "nic.json: acls[0].rules[1].proto: \"sctp\" is not any, tcp, udp, icmp or a protocol number");
        yield return Case("ProtoRange", r => Rule(r, 2)["proto"] = 256, "nic.json: acls[0].rules[2].proto: 256 is out of range 0..255");
        yield return Case("SrcPrefix", r => Rule(r, 1)["src"] = "10.0.0.0/8/8", "nic.json: acls[0].rules[1].src: \"10.0.0.0/8/8\" is not an IPv4 prefix or \"any\"");
        yield return Case("DstHostBits", r => Rule(r, 1)["dst"] = "10.1.0.0/8", "nic.json: acls[0].rules[1].dst: \"10.1.0.0/8\" has host bits set (did you mean \"10.0.0.0/8\"?)");
        yield return Case("PortsReversed", r => Rule(r, 1)["dport"] = "2000-1000", "nic.json: acls[0].rules[1].dport: \"2000-1000\": low port 2000 is above high port 1000");
        yield return Case("PortSyntax", r => Rule(r, 1)["dport"] = "80-", "nic.json: acls[0].rules[1].dport: \"80-\" is not a port, a port range \"lo-hi\" or \"any\"");
        yield return Case("PortTooBig", r => Rule(r, 1)["sport"] = "65536", "nic.json: acls[0].rules[1].sport: \"65536\" is not a port, a port range \"lo-hi\" or \"any\"");
        yield return Case("PortNumberTooBig", r => Rule(r, 1)["sport"] = 70000, "nic.json: acls[0].rules[1].sport: 70000 is out of range 0..65535");
        yield return Case("PortsNeedTcpOrUdp", r => Rule(r, 0)["dport"] = "53", "nic.json: acls[0].rules[0].dport: port ranges need proto tcp or udp");
        yield return Case("UnknownRuleField", r => Rule(r, 0)["port"] = "53",
            "nic.json: acls[0].rules[0].port: unknown field (expected direction, action, proto, src, dst, sport, dport)");
    }

    [TestCaseSource(nameof(Errors))]
    public void ErrorMessages(Action<JsonObject> mutate, string expected, NicInfo? limits) =>
        Assert.That(ErrorOf(Mutated(mutate), limits), Is.EqualTo(expected));

    [Test]
    public void DuplicateFieldIsAnError() =>
        Assert.That(ErrorsOf("""{ "global": { "mtu": 1500, "mtu": 1600 } }""")[0], Is.EqualTo("nic.json: global.mtu: appears twice"));

    private static IReadOnlyList<string> ErrorsOf(string text, NicInfo? limits = null) =>
        Assert.Throws<ConfigException>(() => Parse(text, limits))!.Errors;

    [Test]
    public void EveryErrorIsReportedSectionBySection()
    {
        string text = Mutated(r =>
        {
            r["global"]!["vtepIp"] = "1.2.3";
            r["global"]!["mtu"] = 10;
            r["vnics"]![0]!["mac"] = "zz";
            r["vnics"]![0]!["ip"] = 7;
            r["vnics"]![1]!["bogus"] = 1;
            r["routes"]![0]!["type"] = "bridge";
            r["routes"]![3]!["prefix"] = "10.0.0.11/32";
            r["mappings"]![1]!["vtep"] = "x";
            r["acls"]![0]!["rules"]![0]!["action"] = "permit";
            r["acls"]![0]!["rules"]![2]!["proto"] = "sctp";
            r["offload"] = new JsonObject { ["maxFes"] = 9, ["offloadAbove"] = "high" };
        });
        Assert.That(ErrorsOf(text), Is.EqualTo(new[]
        {
            "nic.json: global.vtepIp: \"1.2.3\" is not an IPv4 address",
            "nic.json: global.mtu: 10 is out of range 64..9216",
            "nic.json: vnics[0].mac: \"zz\" is not a MAC address",
            "nic.json: vnics[0].ip: 7 is not an IPv4 address",
            "nic.json: vnics[1].bogus: unknown field (expected id, vni, mac, ip, gateway, aclSet, enabled)",
            "nic.json: routes[0].type: \"bridge\" is not one of drop, local, vtep, mapped",
            "nic.json: routes[3].prefix: 10.0.0.11/32 in VNI 200 is already routed by routes[2]",
            "nic.json: mappings[1].vtep: \"x\" is not an IPv4 address",
            "nic.json: acls[0].rules[0].action: \"permit\" is not one of allow, deny",
            "nic.json: acls[0].rules[2].proto: \"sctp\" is not any, tcp, udp, icmp or a protocol number",
            "nic.json: offload.offloadAbove: \"high\" is not a number",
            "nic.json: offload.maxFes: 9 is out of range 1..4",
        }), "one line each; the wrong vnics[0] neither hides other errors nor invents one (mappings[0] names its MAC)");
        Assert.That(Assert.Throws<ConfigException>(() => Parse(text))!.Message, Is.EqualTo(string.Join("\n", ErrorsOf(text))));
    }

    [Test]
    public void ADisabledVnicMayNameAnUndefinedAclSet()
    {
        VnicEntry e = Parse(Base).Vnics.Single(v => v.Id == 3).Entry;
        Assert.That((e.AclSet, e.Enabled), Is.EqualTo((1, false)), "vnics[2] of Base: set 1 is not defined, the vNIC carries no traffic");
    }

    [Test]
    public void VnicsWithoutAclsWouldDenyEverythingAndAreRefused()
    {
        Assert.That(ErrorsOf(Mutated(r => r.Remove("acls"))), Is.EqualTo(new[]
        {
            "nic.json: vnics[0].aclSet: ACL set 0 is not defined in acls: every frame of vNIC 0 would be denied",
            "nic.json: vnics[1].aclSet: ACL set 0 (the default) is not defined in acls: every frame of vNIC 1 would be denied",
        }));
    }


    [Test]
    public void RootMustBeAnObject() =>
        Assert.That(ErrorOf("[]"), Is.EqualTo("nic.json: expected an object, found an array"));

    [Test]
    public void AFullMappingBucketIsReportedWithLimits()
    {
        NicInfo tiny = FakeCard.Tiny with { MtuMax = 9216 };
        var ips = new List<uint>();
        for (uint ip = Ip("10.0.0.1"); ips.Count < 3; ip++)
            if (Crc32C.MappingKey(100, ip) % 8 == 5) ips.Add(ip);
        string text = Mutated(r => r["mappings"] = new JsonArray(ips.Select(ip => (JsonNode)new JsonObject
        {
            ["vni"] = 100, ["ip"] = NetFormat.Ip(ip), ["vtep"] = "192.168.100.9", ["mac"] = "02:00:00:00:00:09",
        }).ToArray()));
        Assert.That(ErrorOf(text, tiny), Is.EqualTo("nic.json: mappings[2]: hash bucket 5 is already full (2 ways): the card cannot hold this mapping"));
        Assert.DoesNotThrow(() => Parse(text), "without limits the bucket size is unknown");
    }
}
