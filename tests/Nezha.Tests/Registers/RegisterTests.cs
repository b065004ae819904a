using Nezha.Driver;
using Nezha.Common.Registers;
using Nezha.Tests.Build;
using Nezha.Verify.Sim;
using Nezha.Verify.Testbench;
using NUnit.Framework;

namespace Nezha.Tests.Registers;

/// <summary>
/// The register file: discovery, read/write, refusal of bad writes with no side effect, table write and
/// read-back. Every access goes to the RTL and to the model (MirrorTransport compares them); the asserts
/// here also pin the expected answers so that a mistake shared by both cannot pass.
/// </summary>
[TestFixture(SimConfig.W8)]
[TestFixture(SimConfig.W64)]
[TestFixture(SimConfig.W512)]
public class RegisterTests
{
    private readonly SimConfig _config;
    private NicBench _b = null!;
    private const RegResp Ok = RegResp.Okay, Err = RegResp.SlvErr;

    public RegisterTests(SimConfig config) => _config = config;

    [SetUp] public void SetUp() => _b = new NicBench(_config);
    [TearDown] public void TearDown() => _b.Dispose();

    private RegResp W(uint a, uint d, uint strb = 0xF) => _b.Bus.Write32(a, d, strb);
    private uint R(uint a) { Assert.That(_b.Bus.Read32(a, out uint d), Is.EqualTo(Ok), $"read 0x{a:X4}"); return d; }

    [Test]
    public void BlockChainIsDiscoverable()
    {
        var info = _b.Driver.Discover();
        var p = _b.Params;
        Assert.That(info.DataW, Is.EqualTo(p.DataW));
        Assert.That(info.NVnic, Is.EqualTo(p.NVnic));
        Assert.That(info.SessBuckets * info.SessWays * 2, Is.EqualTo(p.SessCapacity));
        Assert.That(info.AclRules, Is.EqualTo(p.AclRules));
        Assert.That(info.MtuMax, Is.EqualTo(p.MtuMax));
        uint addr = 0;
        var types = new List<uint>();
        for (int i = 0; i < 20 && (i == 0 || addr != 0); i++)
        {
            types.Add(R(addr + NezhaRegs.BLK_TYPE));
            Assert.That(R(addr + NezhaRegs.BLK_VERSION), Is.EqualTo(NezhaRegs.VERSION));
            addr = R(addr + NezhaRegs.BLK_NEXT);
        }
        Assert.That(types, Is.EqualTo(new[] { NezhaRegs.CORE_TYPE, NezhaRegs.CONFIG_TYPE, NezhaRegs.STATS_TYPE, NezhaRegs.VNIC_STATS_TYPE,
            NezhaRegs.VNIC_TABLE_TYPE, NezhaRegs.ROUTE_TABLE_TYPE, NezhaRegs.MAP_TABLE_TYPE, NezhaRegs.ACL_TABLE_TYPE, NezhaRegs.SESSION_TYPE,
            NezhaRegs.OFFLOAD_TYPE, NezhaRegs.FE_GROUP_TYPE }));
        _b.AssertClean();
    }

    [Test]
    public void ParameterRegistersMatchTheBuildFile()
    {
        // rtl/builds.json gave Verilator the model's -G parameters and the shim its widths, and NicParams (the
        // golden model's sizes) is generated from it: read the RTL directly, not through the mirror, and compare
        // all three with the file. A model built before the file changed (make sim) or a stale NicParams (make
        // regs) fails here.
        var f = BuildFile.Load().Build(_config);
        var p = _b.Params;
        var regs = new (string Name, uint Addr, long File, long Params)[]
        {
            ("CORE_DATA_W", NezhaRegs.CORE_DATA_W, f["DATA_W"], p.DataW),
            ("CORE_N_VNIC", NezhaRegs.CORE_N_VNIC, 1L << f["VNIC_W"], p.NVnic),
            ("CORE_SESS_BUCKETS", NezhaRegs.CORE_SESS_BUCKETS, 1L << f["SESS_LOG2"], p.SessBuckets),
            ("CORE_SESS_WAYS", NezhaRegs.CORE_SESS_WAYS, f["SESS_WAYS"], p.SessWays),
            ("CORE_ACL_SETS", NezhaRegs.CORE_ACL_SETS, f["ACL_SETS"], p.AclSets),
            ("CORE_ACL_RULES", NezhaRegs.CORE_ACL_RULES, f["ACL_RULES"], p.AclRules),
            ("CORE_ROUTES", NezhaRegs.CORE_ROUTES, f["ROUTES"], p.Routes),
            ("CORE_MAP_BUCKETS", NezhaRegs.CORE_MAP_BUCKETS, 1L << f["MAP_LOG2"], p.MapBuckets),
            ("CORE_MAP_WAYS", NezhaRegs.CORE_MAP_WAYS, f["MAP_WAYS"], p.MapWays),
            ("CORE_HDR_BYTES", NezhaRegs.CORE_HDR_BYTES, f["HDR_BYTES"], p.HdrBytes),
            ("CORE_MTU_MAX", NezhaRegs.CORE_MTU_MAX, f["MTU_MAX"], p.MtuMax),
            ("CORE_MAX_KICKS", NezhaRegs.CORE_MAX_KICKS, f["MAX_KICKS"], p.MaxKicks),
            ("VNIC_TABLE_ENTRIES", NezhaRegs.VNIC_TABLE_ENTRIES, 1L << f["VNIC_W"], p.NVnic),
            ("ROUTE_TABLE_ENTRIES", NezhaRegs.ROUTE_TABLE_ENTRIES, f["ROUTES"], p.Routes),
            ("MAP_TABLE_ENTRIES", NezhaRegs.MAP_TABLE_ENTRIES, (1L << f["MAP_LOG2"]) * f["MAP_WAYS"], p.MapCapacity),
            ("ACL_TABLE_ENTRIES", NezhaRegs.ACL_TABLE_ENTRIES, (long)f["ACL_SETS"] * f["ACL_RULES"], p.AclEntries),
            ("SESSION_ENTRIES", NezhaRegs.SESSION_ENTRIES, 4L * (1L << f["SESS_LOG2"]) * f["SESS_WAYS"], p.SessSlots),
            ("OFFLOAD_ENTRIES", NezhaRegs.OFFLOAD_ENTRIES, 1L << f["VNIC_W"], p.NVnic),
        };
        var fromFile = regs.ToDictionary(r => r.Name, r => r.File);
        var fromRtl = regs.ToDictionary(r => r.Name, r =>
        {
            Assert.That(_b.Sim.RegRead(r.Addr, out uint d), Is.EqualTo((uint)Ok), r.Name);
            return (long)d;
        });
        Assert.That(fromRtl, Is.EqualTo(fromFile), $"the {_config} model against rtl/builds.json (make sim)");
        Assert.That(regs.ToDictionary(r => r.Name, r => r.Params), Is.EqualTo(fromFile), "NicParams against rtl/builds.json (make regs)");
        Assert.That((_b.Sim.DataWidth, _b.Sim.VnicWidth), Is.EqualTo((f["DATA_W"], f["VNIC_W"])), "the shim's NZ_DATA_W / NZ_VNIC_W");
        _b.AssertClean();
    }

    [Test]
    public void ReadWriteRegistersHoldTheirValues()
    {
        Assert.That(W(NezhaRegs.CORE_SCRATCH, 0xDEADBEEF), Is.EqualTo(Ok));
        Assert.That(R(NezhaRegs.CORE_SCRATCH), Is.EqualTo(0xDEADBEEF));
        Assert.That(W(NezhaRegs.CONFIG_VTEP_IP, 0xC0A86401), Is.EqualTo(Ok));
        Assert.That(R(NezhaRegs.CONFIG_VTEP_IP), Is.EqualTo(0xC0A86401));
        Assert.That(W(NezhaRegs.CONFIG_MTU, 1500), Is.EqualTo(Ok));
        Assert.That(R(NezhaRegs.CONFIG_MTU), Is.EqualTo(1500));
        Assert.That(R(NezhaRegs.CONFIG_IDLE_TIMEOUT), Is.EqualTo(1000), "reset value");
        _b.AssertClean();
    }

    [Test]
    public void BadWritesAreRefusedAndChangeNothing()
    {
        uint mtu = R(NezhaRegs.CONFIG_MTU);
        Assert.That(W(NezhaRegs.CONFIG_MTU, 63), Is.EqualTo(Err));
        Assert.That(W(NezhaRegs.CONFIG_MTU, (uint)_b.Params.MtuMax + 1), Is.EqualTo(Err));
        Assert.That(W(NezhaRegs.CONFIG_MTU, 100, 0x3), Is.EqualTo(Err), "partial write strobes");
        Assert.That(R(NezhaRegs.CONFIG_MTU), Is.EqualTo(mtu));
        Assert.That(W(NezhaRegs.CONFIG_IDLE_TIMEOUT, 32768), Is.EqualTo(Err));
        Assert.That(W(NezhaRegs.CONFIG_TICK_CYCLES, 0x0100_0000), Is.EqualTo(Err));
        Assert.That(W(NezhaRegs.CONFIG_NIC_MAC_HI, 0x10000), Is.EqualTo(Err));
        Assert.That(W(NezhaRegs.CORE_DATA_W, 5), Is.EqualTo(Err), "read-only");
        Assert.That(W(NezhaRegs.STATS_COUNTER_BASE, 5), Is.EqualTo(Err), "counters are read-only");
        Assert.That(W(0x0FF0, 1), Is.EqualTo(Err), "unknown address");
        Assert.That(_b.Bus.Read32(0x0FF0, out _), Is.EqualTo(Err));
        Assert.That(W(NezhaRegs.VNIC_STATS_SEL, (uint)_b.Params.NVnic), Is.EqualTo(Err));
        Assert.That(W(NezhaRegs.ACL_TABLE_SET_SEL, (uint)_b.Params.AclSets), Is.EqualTo(Err));
        Assert.That(W(NezhaRegs.ACL_TABLE_SET_COUNT, (uint)_b.Params.AclRules + 1), Is.EqualTo(Err));

        // table commands: bad index, bad value, bad command
        Assert.That(W(NezhaRegs.VNIC_TABLE_INDEX, (uint)_b.Params.NVnic), Is.EqualTo(Ok));
        Assert.That(W(NezhaRegs.VNIC_TABLE_CMD, 1), Is.EqualTo(Err));
        Assert.That(R(NezhaRegs.VNIC_TABLE_STATUS), Is.EqualTo((uint)TableStatus.BadIndex));
        W(NezhaRegs.VNIC_TABLE_INDEX, 0);
        Assert.That(W(NezhaRegs.VNIC_TABLE_CMD, 2), Is.EqualTo(Ok), "a good read clears STATUS");
        Assert.That(R(NezhaRegs.VNIC_TABLE_STATUS), Is.EqualTo(0u));
        W(NezhaRegs.VNIC_TABLE_INDEX, (uint)_b.Params.NVnic);
        Assert.That(W(NezhaRegs.VNIC_TABLE_CMD, 2), Is.EqualTo(Err), "a read is refused for a bad index too");
        Assert.That(R(NezhaRegs.VNIC_TABLE_STATUS), Is.EqualTo((uint)TableStatus.BadIndex));
        Assert.That(W(NezhaRegs.VNIC_TABLE_INDEX, 0), Is.EqualTo(Ok));
        W(NezhaRegs.VNIC_TABLE_DATA, 1u | ((uint)_b.Params.AclSets << 8));
        Assert.That(W(NezhaRegs.VNIC_TABLE_CMD, 1), Is.EqualTo(Err));
        Assert.That(R(NezhaRegs.VNIC_TABLE_STATUS), Is.EqualTo((uint)TableStatus.BadValue));
        Assert.That(W(NezhaRegs.VNIC_TABLE_CMD, 7), Is.EqualTo(Err));
        Assert.That(R(NezhaRegs.VNIC_TABLE_STATUS), Is.EqualTo((uint)TableStatus.BadCmd));
        Assert.That(_b.Driver.ReadVnic(0).Enabled, Is.False, "nothing was written");

        Assert.That(W(NezhaRegs.ROUTE_TABLE_INDEX, 0), Is.EqualTo(Ok));
        W(NezhaRegs.ROUTE_TABLE_DATA, 1u | (1u << 1) | (33u << 8));
        Assert.That(W(NezhaRegs.ROUTE_TABLE_CMD, 1), Is.EqualTo(Err), "prefix length 33");
        W(NezhaRegs.ROUTE_TABLE_DATA, 1u | (1u << 1) | (24u << 8));
        W(NezhaRegs.ROUTE_TABLE_DATA + 12, (uint)_b.Params.NVnic);
        Assert.That(W(NezhaRegs.ROUTE_TABLE_CMD, 1), Is.EqualTo(Err), "LOCAL route to a vNIC that does not exist");
        Assert.That(W(NezhaRegs.SESSION_CMD, 1), Is.EqualTo(Err), "sessions cannot be written");
        Assert.That(R(NezhaRegs.SESSION_STATUS), Is.EqualTo((uint)TableStatus.BadCmd));

        Assert.Throws<NicRegisterException>(() => _b.Driver.WriteAclRule(0, 0,
            new AclRule(true, AclDirection.Ingress, true, 6, 0, 0, 0, 0, 10, 5, 0, 65535)), "port range lo > hi");
        _b.AssertClean();
    }

    [Test]
    public void TablesReadBackWhatWasWrittenWithPrefixesMasked()
    {
        var d = _b.Driver;
        var vn = new VnicEntry(true, 0xABCDE, 0x0200_0000_0101, 0x0A000005, 0x0A000001, _b.Params.AclSets - 1);
        d.WriteVnic(_b.Params.NVnic - 1, vn);
        Assert.That(d.ReadVnic(_b.Params.NVnic - 1), Is.EqualTo(vn));
        d.WriteRoute(_b.Params.Routes - 1, new RouteEntry(true, 7, 0x0A0000FF, 24, RouteType.Vtep, 0xC0A80001));
        Assert.That(d.ReadRoute(_b.Params.Routes - 1), Is.EqualTo(new RouteEntry(true, 7, 0x0A000000, 24, RouteType.Vtep, 0xC0A80001)));
        var rule = new AclRule(true, AclDirection.Egress, false, 17, 0x0A0A0A0A, 8, 0xC0A80101, 16, 10, 20, 30, 40);
        d.WriteAclRule(_b.Params.AclSets - 1, _b.Params.AclRules - 1, rule);
        Assert.That(d.ReadAclRule(_b.Params.AclSets - 1, _b.Params.AclRules - 1), Is.EqualTo(rule with { Src = 0x0A000000, Dst = 0xC0A80000 }));
        var m = new MappingEntry(true, 100, 0x0A000014, 0xC0A86402, 0x0200_0000_0314);
        d.AddMapping(m);
        int total = _b.Params.SessSlots; // touch the session table read-back too (the last slot is a half 1)
        d.ReadSession(total - 1);
        _b.AssertClean();
    }

    [Test]
    public void TickCyclesZeroIsAcceptedAndSelectsTheExternalTick()
    {
        Assert.That(W(NezhaRegs.CONFIG_TICK_CYCLES, 0), Is.EqualTo(Ok));
        Assert.That(R(NezhaRegs.CONFIG_TICK_CYCLES), Is.Zero);
        uint t0 = R(NezhaRegs.CONFIG_TICK_NOW);
        _b.Sim.Step(20_000);
        Assert.That(R(NezhaRegs.CONFIG_TICK_NOW), Is.EqualTo(t0), "no tick without tick_in pulses");
        _b.Sim.TickPulse();
        _b.Sim.Step(1);
        Assert.That(R(NezhaRegs.CONFIG_TICK_NOW), Is.EqualTo(t0 + 1));
        Assert.That(W(NezhaRegs.CONFIG_TICK_CYCLES, 0xFF_FFFF), Is.EqualTo(Ok), "the largest period");
        Assert.That(R(NezhaRegs.CONFIG_TICK_CYCLES), Is.EqualTo(0xFF_FFFFu));
        _b.AssertClean();
    }

    [Test]
    public void GeneveBitsOfRoutesAndMappingsReadBack()
    {
        var d = _b.Driver;
        int ri = _b.Params.Routes - 1;
        var vtep = new RouteEntry(true, 7, 0x0A000000, 24, RouteType.Vtep, 0xC0A80001, TunnelType.Geneve);
        d.WriteRoute(ri, vtep);
        Assert.That(d.ReadRoute(ri), Is.EqualTo(vtep));
        Assert.That(R(NezhaRegs.ROUTE_TABLE_DATA) & 0xF, Is.EqualTo(1u | (2u << 1) | (1u << 3)), "GENEVE is ROUTE DATA0 bit 3");
        var local = new RouteEntry(true, 7, 0x0A000100, 24, RouteType.Local, 1, TunnelType.Geneve);
        d.WriteRoute(0, local);
        Assert.That(d.ReadRoute(0), Is.EqualTo(local), "stored for every route type");
        d.WriteRoute(0, local with { Tunnel = TunnelType.Vxlan });
        Assert.That(d.ReadRoute(0).Tunnel, Is.EqualTo(TunnelType.Vxlan));

        var m = new MappingEntry(true, 100, 0x0A000014, 0xC0A86402, 0x0200_0000_0314, TunnelType.Geneve);
        int slot = d.AddMapping(m);
        Assert.That(d.ReadMapping(slot), Is.EqualTo(m));
        Assert.That(R(NezhaRegs.MAP_TABLE_DATA) & 3, Is.EqualTo(3u), "GENEVE is MAP DATA0 bit 1");
        d.AddMapping(m with { Tunnel = TunnelType.Vxlan });
        Assert.That(d.ReadMapping(slot), Is.EqualTo(m with { Tunnel = TunnelType.Vxlan }));
        _b.AssertClean();
    }

    [Test]
    public void CountersLatchTheHighWordOnTheLowRead()
    {
        // CYCLES is the only counter that is large right after reset
        _b.Sim.Step(1000);
        _b.Sim.RegRead(NezhaRegs.CORE_CYCLES_LO, out uint lo1);
        _b.Sim.RegRead(NezhaRegs.CORE_CYCLES_HI, out uint hi1);
        _b.Sim.Step(1000);
        _b.Sim.RegRead(NezhaRegs.CORE_CYCLES_LO, out uint lo2);
        Assert.That(((ulong)hi1 << 32 | lo1), Is.GreaterThan(1000UL));
        Assert.That(lo2 - lo1, Is.GreaterThanOrEqualTo(1000u));
        Assert.That(_b.Driver.ReadStat(StatIndex.NetRxPkts), Is.EqualTo(0UL));
        _b.AssertClean();
    }
}
