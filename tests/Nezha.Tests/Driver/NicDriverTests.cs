using Nezha.Driver;
using Nezha.Driver.Config;
using Nezha.Common.Hashing;
using Nezha.Common.Registers;
using NUnit.Framework;

namespace Nezha.Tests.Driver;

[TestFixture]
public class NicDriverTests
{
    private FakeCard _card = null!;
    private NicDriver _d = null!;

    [SetUp]
    public void SetUp()
    {
        _card = new FakeCard(FakeCard.W64);
        _d = new NicDriver(_card);
    }

    private static uint Ip(string s) => NetFormat.TryParseIp(s, out uint ip) ? ip : throw new ArgumentException(s);

    [Test]
    public void DiscoverReadsTheBuildParameters()
    {
        Assert.That(_d.Discover(), Is.EqualTo(FakeCard.W64));
        Assert.That(_d.Info.MapEntries, Is.EqualTo(256));
        Assert.That(_d.Info.SessionEntries, Is.EqualTo(4096));
    }

    [Test]
    public void DiscoverRejectsAForeignBlock()
    {
        _card.Poke(NezhaRegs.STATS_BASE, 0x12345678);
        var e = Assert.Throws<NicDiscoveryException>(() => _d.Discover());
        Assert.That(e!.Message, Is.EqualTo("block at 0x0200 has type 0x12345678, not a Nezha block"));
    }

    [Test]
    public void DiscoverRejectsAnotherMajorVersion()
    {
        _card.Poke(NezhaRegs.CONFIG_BASE + 4, 0x0002_0000);
        var e = Assert.Throws<NicDiscoveryException>(() => _d.Discover());
        Assert.That(e!.Message, Does.Contain("version 0x00020000"));
    }

    [Test]
    public void DiscoverAcceptsANewerMinorVersion()
    {
        _card.Poke(NezhaRegs.CONFIG_BASE + 4, NezhaRegs.VERSION + 1);
        Assert.DoesNotThrow(() => _d.Discover());
    }

    [Test]
    public void DiscoverDetectsALoop()
    {
        _card.Poke(NezhaRegs.STATS_BASE + 8, NezhaRegs.CONFIG_BASE);
        var e = Assert.Throws<NicDiscoveryException>(() => _d.Discover());
        Assert.That(e!.Message, Is.EqualTo("block chain loops back to 0x0100"));
    }

    [Test]
    public void DiscoverDetectsAMissingBlock()
    {
        var d = new NicDriver(new FakeCard(FakeCard.W64, blocks: 8));
        var e = Assert.Throws<NicDiscoveryException>(() => d.Discover());
        Assert.That(e!.Message, Is.EqualTo("block SESSION (type 0x4E5A0009) is missing"));
    }

    [Test]
    public void ConfigureWritesEveryGlobalRegister()
    {
        var c = new NicGlobalConfig(0x0200_0000_0101, Ip("192.168.100.1"), 0x0200_0000_FE01, 0xA1B2_C3D4_E5F6, 1600, 30000, 2000, 250000, 1514);
        _d.Configure(c);
        Assert.That(_d.ReadGlobalConfig(), Is.EqualTo(c));
        var writes = _card.Log.Where(a => a.Write).ToDictionary(a => a.Addr, a => a.Data);
        Assert.That(writes[NezhaRegs.CONFIG_GW_MAC_LO], Is.EqualTo(0xC3D4E5F6));
        Assert.That(writes[NezhaRegs.CONFIG_GW_MAC_HI], Is.EqualTo(0xA1B2));
        Assert.That(writes[NezhaRegs.CONFIG_VM_MTU], Is.EqualTo(1514));
        // without VM_MTU the driver writes the largest that fits the tunnel (MTU - 50)
        _d.Configure(c with { VmMtu = null });
        Assert.That(_d.ReadGlobalConfig().VmMtu, Is.EqualTo(1550));
    }

    [Test]
    public void ConfigureChecksRangesBeforeWriting()
    {
        var c = new NicGlobalConfig(1, 1, 1, 1, 9217, 1, 1, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => _d.Configure(c));
        Assert.That(_card.Log.Any(a => a.Write), Is.False);
    }

    [Test]
    public void VnicEntryIsPackedPerTheRegisterMap()
    {
        var e = new VnicEntry(true, 0xABCDE, 0x0264_0000_000A, Ip("10.0.0.10"), Ip("10.0.0.1"), 3);
        _d.WriteVnic(5, e);
        uint[] raw = _card.VnicTable.Entries[5];
        Assert.That(raw[..6], Is.EqualTo(new uint[] { 1 | (3 << 8), 0xABCDE, 0x0000_000A, 0x0264, 0x0A00000A, 0x0A000001 }));
        Assert.That(_d.ReadVnic(5), Is.EqualTo(e));
    }

    [Test]
    public void TableWriteIsDataThenIndexThenCommand()
    {
        _d.Discover();
        _card.Log.Clear();
        _d.WriteRoute(2, new RouteEntry(true, 100, Ip("10.0.0.0"), 24, RouteType.Mapped, 0));
        Assert.That(_card.Log.Select(a => a.Addr), Is.EqualTo(new uint[] { 0x620, 0x624, 0x628, 0x62C, 0x60C, 0x610 }));
        Assert.That(_card.Log[^1].Data, Is.EqualTo(1u));
        Assert.That(_card.RouteTable.Entries[2][0], Is.EqualTo(1u | (3u << 1) | (24u << 8)));
    }

    [Test]
    public void RouteRoundTrips()
    {
        var r = new RouteEntry(true, 200, 0, 0, RouteType.Vtep, Ip("192.168.100.254"));
        _d.WriteRoute(15, r);
        Assert.That(_d.ReadRoute(15), Is.EqualTo(r));
    }

    [Test]
    public void GeneveTunnelBitsArePackedPerTheRegisterMap()
    {
        var r = new RouteEntry(true, 200, 0, 0, RouteType.Vtep, Ip("192.168.100.254"), TunnelType.Geneve);
        _d.WriteRoute(3, r);
        Assert.That(_card.RouteTable.Entries[3][0], Is.EqualTo(1u | (2u << 1) | (1u << 3)), "ROUTE DATA0 bit 3 = GENEVE");
        Assert.That(_d.ReadRoute(3), Is.EqualTo(r));

        var m = new MappingEntry(true, 100, Ip("10.0.0.22"), Ip("192.168.100.3"), 0x0264_0000_0016, TunnelType.Geneve);
        int slot = _d.AddMapping(m);
        Assert.That(_card.MapTable.Entries[slot][0], Is.EqualTo(1u | (1u << 1)), "MAP DATA0 bit 1 = GENEVE");
        Assert.That(_d.ReadMapping(slot), Is.EqualTo(m));
        _d.AddMapping(m with { Tunnel = TunnelType.Vxlan });
        Assert.That(_card.MapTable.Entries[slot][0], Is.EqualTo(1u), "VXLAN leaves the bit clear");
        Assert.Throws<ArgumentOutOfRangeException>(() => _d.WriteRoute(0, r with { Tunnel = (TunnelType)2 }));
    }

    [Test]
    public void ConfigureAcceptsTheExternalTick()
    {
        var c = new NicGlobalConfig(0x0200_0000_0101, Ip("192.168.100.1"), 0x0200_0000_FE01, 0x0200_0000_00FE, 1600, 30, 2, 0);
        _d.Configure(c);
        Assert.That(_d.ReadGlobalConfig().TickCycles, Is.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => _d.Configure(c with { TickCycles = 0x100_0000 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _d.Configure(c with { TickCycles = -1 }));
    }

    [Test]
    public void LocalRouteToAMissingVnicIsRefusedByTheDriver()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _d.WriteRoute(0, new RouteEntry(true, 1, 0, 0, RouteType.Local, 16)));
    }

    [Test]
    public void AclRuleIsPackedPerTheRegisterMap()
    {
        var rule = new AclRule(true, AclDirection.Egress, true, 6, Ip("10.0.0.0"), 8, Ip("192.168.0.0"), 16, 1000, 2000, 80, 80);
        _d.WriteAclRule(1, 7, rule);
        uint[] raw = _card.AclTable.Entries[1 * 256 + 7];
        Assert.That(raw[0], Is.EqualTo(1u | 2u | 4u | (6u << 8) | (8u << 16) | (16u << 24)));
        Assert.That(raw[3], Is.EqualTo(1000u | (2000u << 16)));
        Assert.That(raw[4], Is.EqualTo(80u | (80u << 16)));
        Assert.That(_d.ReadAclRule(1, 7), Is.EqualTo(rule));
    }

    [Test]
    public void AclCountSelectsTheSetFirst()
    {
        _d.Discover();
        _card.Log.Clear();
        _d.SetAclCount(2, 5);
        Assert.That(_card.Log.Select(a => (a.Addr, a.Data)),
            Is.EqualTo(new[] { (NezhaRegs.ACL_TABLE_SET_SEL, 2u), (NezhaRegs.ACL_TABLE_SET_COUNT, 5u) }));
        Assert.That(_d.GetAclCount(2), Is.EqualTo(5));
    }

    [Test]
    public void AddMappingUsesTheCrcBucketAndTheFirstFreeWay()
    {
        uint vni = 100, ip = Ip("10.0.0.20");
        int bucket = (int)(Crc32C.MappingKey(vni, ip) % 64);
        int slot = _d.AddMapping(new MappingEntry(true, vni, ip, Ip("192.168.100.2"), 0x0264_0000_0014));
        Assert.That(slot, Is.EqualTo(bucket * 4));
        Assert.That(_d.MappingBucket(vni, ip), Is.EqualTo(bucket));
        Assert.That(_d.ReadMapping(slot), Is.EqualTo(new MappingEntry(true, vni, ip, Ip("192.168.100.2"), 0x0264_0000_0014)));
    }

    private static List<uint> IpsInOneBucket(uint vni, int buckets, int count)
    {
        var byBucket = new Dictionary<uint, List<uint>>();
        for (uint ip = 0x0A000001; ; ip++)
        {
            uint b = Crc32C.MappingKey(vni, ip) % (uint)buckets;
            if (!byBucket.TryGetValue(b, out var list)) byBucket[b] = list = [];
            list.Add(ip);
            if (list.Count == count) return list;
        }
    }

    [Test]
    public void AddMappingFillsWaysReplacesSameKeyAndFailsWhenFull()
    {
        List<uint> ips = IpsInOneBucket(7, 64, 5);
        int bucket = _d.MappingBucket(7, ips[0]);
        for (int w = 0; w < 4; w++)
            Assert.That(_d.AddMapping(new MappingEntry(true, 7, ips[w], 1, 2)), Is.EqualTo(bucket * 4 + w));
        Assert.That(_d.AddMapping(new MappingEntry(true, 7, ips[2], 9, 10)), Is.EqualTo(bucket * 4 + 2), "same key replaces");
        Assert.That(_d.ReadMapping(bucket * 4 + 2).Vtep, Is.EqualTo(9u));
        var e = Assert.Throws<InvalidOperationException>(() => _d.AddMapping(new MappingEntry(true, 7, ips[4], 1, 2)));
        Assert.That(e!.Message, Does.StartWith($"mapping bucket {bucket} is full (4 ways)"));
        Assert.That(_d.RemoveMapping(7, ips[1]), Is.True);
        Assert.That(_d.ReadMapping(bucket * 4 + 1).Valid, Is.False);
        Assert.That(_d.AddMapping(new MappingEntry(true, 7, ips[4], 1, 2)), Is.EqualTo(bucket * 4 + 1), "a freed way is reused");
        Assert.That(_d.RemoveMapping(8, ips[1]), Is.False);
    }

    [Test]
    public void SyncMappingsFromCardSeesEntriesWrittenByOthers()
    {
        List<uint> ips = IpsInOneBucket(7, 64, 2);
        var other = new NicDriver(_card);
        int first = other.AddMapping(new MappingEntry(true, 7, ips[0], 1, 2));
        _d.SyncMappingsFromCard();
        Assert.That(_d.AddMapping(new MappingEntry(true, 7, ips[1], 1, 2)), Is.EqualTo(first + 1));
    }

    [Test]
    public void RefusedTableCommandCarriesAddressValueAndStatus()
    {
        _card.AclTable.RejectValue = d => (d[3] & 0xFFFF) > d[3] >> 16;
        var e = Assert.Throws<NicRegisterException>(() =>
            _d.WriteAclRule(0, 0, new AclRule(true, AclDirection.Ingress, true, 6, 0, 0, 0, 0, 10, 5, 0, 65535)));
        Assert.That(e!.Address, Is.EqualTo(NezhaRegs.ACL_TABLE_CMD));
        Assert.That(e.Value, Is.EqualTo(1u));
        Assert.That(e.Status, Is.EqualTo(TableStatus.BadValue));
        Assert.That(e.Message, Is.EqualTo("write of 0x00000001 to 0x0810 refused (SLVERR), table status BadValue"));
    }

    [Test]
    public void RefusedPlainWriteHasNoStatus()
    {
        _d.Discover();
        _card.FailAddresses.Add(NezhaRegs.CONFIG_VTEP_IP);
        var e = Assert.Throws<NicRegisterException>(() => _d.Configure(new NicGlobalConfig(2, 0xC0A86401, 2, 2, 1500, 1, 1, 1)));
        Assert.That(e!.Address, Is.EqualTo(NezhaRegs.CONFIG_VTEP_IP));
        Assert.That(e.Value, Is.EqualTo(0xC0A86401));
        Assert.That(e.Status, Is.Null);
    }

    [Test]
    public void IndexesAreCheckedAgainstTheCard()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _d.ReadVnic(16));
        Assert.Throws<ArgumentOutOfRangeException>(() => _d.WriteRoute(16, new RouteEntry(false, 0, 0, 0, RouteType.Drop, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => _d.WriteAclRule(4, 0, new AclRule(false, 0, false, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => _d.SetAclCount(0, 257));
        Assert.Throws<ArgumentOutOfRangeException>(() => _d.ReadSession(8192));
        Assert.Throws<ArgumentOutOfRangeException>(() => _d.SessionIndex(0, 0, 0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => _d.WriteVnic(0, new VnicEntry(true, 0x1000000, 0, 0, 0, 0)));
    }

    [Test]
    public void StatsReadLowThenHigh()
    {
        _card.Counters[(int)StatIndex.NetRxBytes] = 0x0000_0012_3456_789AUL;
        _d.Discover();
        _card.Log.Clear();
        Assert.That(_d.ReadStat(StatIndex.NetRxBytes), Is.EqualTo(0x0000_0012_3456_789AUL));
        uint lo = NezhaRegs.STATS_COUNTER_BASE + 8 * 41;
        Assert.That(_card.Log.Select(a => a.Addr), Is.EqualTo(new[] { lo, lo + 4 }));
    }

    [Test]
    public void AllStatsAreReadInIndexOrder()
    {
        _card.Counters[(int)StatIndex.AclDeny] = 3;
        var all = _d.ReadAllStats();
        Assert.That(all.Select(s => s.Key), Is.EqualTo(Enum.GetValues<StatIndex>().Order()));
        Assert.That(all.Single(s => s.Key == StatIndex.AclDeny).Value, Is.EqualTo(3UL));
        Assert.That(all.Where(s => s.Key != StatIndex.AclDeny).All(s => s.Value == 0), Is.True);
    }

    [Test]
    public void VnicCountersSelectTheVnic()
    {
        _card.VnicCounters[3] = [1, 2, 3, 4, 5, 0x1_0000_0006];
        Assert.That(_d.ReadVnicCounters(3), Is.EqualTo(new VnicCounters(1, 2, 3, 4, 5, 0x1_0000_0006)));
        Assert.That(_d.ReadVnicCounters(2), Is.EqualTo(new VnicCounters(0, 0, 0, 0, 0, 0)));
    }

    [Test]
    public void SessionIsUnpacked()
    {
        Assert.That(_d.SessionIndex(1, 3, 5, half: 1), Is.EqualTo(4096 + 256 * 8 + 3 * 8 + 5));
        int index = _d.SessionIndex(1, 3, 5);
        Assert.That(index, Is.EqualTo(256 * 8 + 3 * 8 + 5));
        uint[] raw = _card.SessionTable.Entries[index];
        raw[0] = 1 | 2 | 4 | 8 | (0x1234u << 8);
        raw[1] = 100 | (6u << 24);
        raw[2] = Ip("10.0.0.10"); raw[3] = Ip("10.0.0.20");
        raw[4] = 443 | (50000u << 16);
        raw[5] = 7; raw[6] = 0x89ABCDEF; raw[7] = 0x12;
        raw[8] = 1 | (3u << 8);
        raw[12] = 2; raw[13] = Ip("192.168.100.2"); raw[14] = 0x0000_0014; raw[15] = 0x0264;
        var s = _d.ReadSession(index);
        Assert.That(s, Is.EqualTo(new SessionEntryView(index, true, 1, true, true, false, 0x1234, 100, 6,
            Ip("10.0.0.10"), Ip("10.0.0.20"), 443, 50000, 7, 0x12_89AB_CDEFUL,
            new SessionAction(ActionType.Deliver, 3, 0, 0),
            new SessionAction(ActionType.Encap, 0, Ip("192.168.100.2"), 0x0264_0000_0014))));
        raw[0] |= 1u << 5;
        Assert.That(_d.ReadSession(index), Is.EqualTo(s with { Compact = true }), "COMPACT is bit 5 of word 0");
    }

    [Test]
    public void SessionsCannotBeWritten()
    {
        // the driver has no session write; a raw CMD 1 is refused by the card
        Assert.That(_card.Write32(NezhaRegs.SESSION_CMD, 1), Is.EqualTo(RegResp.SlvErr));
    }

    private static NicConfig SmallConfig() => new(
        new NicGlobalConfig(0x0200_0000_0101, Ip("192.168.100.1"), 0x0200_0000_FE01, 0x0200_0000_00FE, 1600, 30000, 2000, 1000),
        [
            new VnicConfig(0, new VnicEntry(true, 100, 0x0264_0000_000A, Ip("10.0.0.10"), Ip("10.0.0.1"), 0)),
            new VnicConfig(2, new VnicEntry(false, 100, 0x0264_0000_000C, Ip("10.0.0.12"), Ip("10.0.0.1"), 1)),
        ],
        [new RouteEntry(true, 100, Ip("10.0.0.0"), 24, RouteType.Mapped, 0)],
        [new MappingEntry(true, 100, Ip("10.0.0.10"), Ip("192.168.100.1"), 0x0264_0000_000A)],
        [new AclSetConfig(1, [new AclRule(true, AclDirection.Egress, true, 0, 0, 0, 0, 0, 0, 65535, 0, 65535)])]);

    [Test]
    public void ApplyProgramsEverything()
    {
        _d.Apply(SmallConfig());
        Assert.That(_d.ReadVnic(0).Enabled, Is.True);
        Assert.That(_d.ReadVnic(2), Is.EqualTo(new VnicEntry(false, 100, 0x0264_0000_000C, Ip("10.0.0.12"), Ip("10.0.0.1"), 1)));
        Assert.That(_d.ReadRoute(0).Type, Is.EqualTo(RouteType.Mapped));
        Assert.That(Enumerable.Range(1, 15).All(i => !_d.ReadRoute(i).Valid), Is.True);
        Assert.That(_card.AclCounts, Is.EqualTo(new uint[] { 0, 1, 0, 0 }));
        int slot = _d.MappingBucket(100, Ip("10.0.0.10")) * 4;
        Assert.That(_d.ReadMapping(slot).Valid, Is.True);
        Assert.That(_d.ReadGlobalConfig().Mtu, Is.EqualTo(1600));
    }

    [Test]
    public void ApplyDisablesVnicsFirstAndEnablesThemLast()
    {
        _d.WriteVnic(5, new VnicEntry(true, 300, 0x0200_0000_0005, 1, 2, 0));
        _d.MappingBucket(1, 1); // discover before the log is cleared
        _card.Log.Clear();
        _d.Apply(SmallConfig());

        int Pos(Func<FakeCard.Access, bool> p) => _card.Log.FindIndex(a => p(a));
        int LastPos(Func<FakeCard.Access, bool> p) => _card.Log.FindLastIndex(a => p(a));
        bool VnicCmd(FakeCard.Access a) => a.Write && a.Addr == NezhaRegs.VNIC_TABLE_CMD && a.Data == 1;
        bool OtherTableWrite(FakeCard.Access a) => a.Write && a.Addr is >= NezhaRegs.CONFIG_BASE and < NezhaRegs.STATS_BASE
            or >= NezhaRegs.ROUTE_TABLE_BASE and < NezhaRegs.SESSION_BASE;

        int firstOther = Pos(OtherTableWrite), lastOther = LastPos(OtherTableWrite);
        // exactly one vNIC write before the tables: vNIC 5 going off
        var early = _card.Log.Take(firstOther).Where(VnicCmd).ToList();
        Assert.That(early, Has.Count.EqualTo(1));
        Assert.That(_card.VnicTable.Entries[5][0] & 1, Is.EqualTo(0u), "vNIC 5 is not in the config: it stays off");
        // every vNIC write that enables comes after the last table write
        var enables = _card.Log.Select((a, i) => (a, i)).Where(x => VnicCmd(x.a)).Select(x => x.i).ToList();
        Assert.That(enables.Count, Is.EqualTo(1 + 16));
        Assert.That(enables.Skip(1).All(i => i > lastOther), Is.True);
        Assert.That(enables.Last(), Is.GreaterThan(lastOther));
    }

    [Test]
    public void ApplyLoadsTheDefaultConfigFile()
    {
        NicConfig c = NicConfigLoader.Load(TestFiles.DefaultConfig, FakeCard.W64);
        _d.Apply(c);
        Assert.That(Enumerable.Range(0, 16).Count(i => _d.ReadVnic(i).Enabled), Is.EqualTo(4));
        Assert.That(_card.MapTable.Entries.Count(e => (e[0] & 1) != 0), Is.EqualTo(7));
    }
}
