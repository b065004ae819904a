using System.Numerics;
using Nezha.Common;
using Nezha.Common.Registers;
using Nezha.Verify.Model;
using Nezha.Verify.ModuleBench;
using NUnit.Framework;

namespace Nezha.Tests.Modules;

/// <summary>
/// rtl/tables/nezha_tables.v (the stateless tables and their register-side port, the DATA-word packing generated
/// from regs/nezha_regs.json) against the model's tables, at the w8 and w64 sizes:
/// <list type="bullet">
/// <item>CMD 1 check and write: for random DATA images of every writable table (in-range fields, out-of-range
/// values, bits set in strict words, junk in ignored bits and words) tp_bad must be the model's BAD_VALUE, and an
/// accepted image written with tp_wr must read back through tp_rd exactly as the model's CMD 2 encodes the
/// entry (all 16 words).</item>
/// <item>The datapath ports against the same contents: the vNIC, offload and FE group outputs entry by entry,
/// route lookups (2 cycles) and mapping lookups (3 cycles) back to back against the model's LPM and bucket
/// search, the ACL rule words and set counts.</item>
/// <item>SESSION read-back: tp_rd raises sess_rb_req with sess_rb_loc = INDEX until the flow processor's
/// sess_rb_done, whose entry is formatted as the model's SESSION encoding.</item>
/// </list>
/// </summary>
[TestFixture("nezha_tables_w8", "w8")]
[TestFixture("nezha_tables_w64", "w64")]
public class TablesBench
{
    private const int TVnic = 0, TRoute = 1, TMap = 2, TAcl = 3, TSess = 4, TOffload = 5, TFeGroup = 6;
    private static readonly int[] Writable = { TVnic, TRoute, TMap, TAcl, TOffload, TFeGroup };

    private readonly string _module;
    private readonly NicParams _p;
    private ModuleSim _m = null!;
    private Random _rnd = null!;
    private VnicTable _vnic = null!;
    private RouteTable _route = null!;
    private MappingTable _map = null!;
    private AclTable _acl = null!;
    private OffloadTable _offload = null!;
    private FeGroupTable _groups = null!;

    public TablesBench(string module, string config)
    {
        _module = module;
        _p = NicParams.ByName(config);
    }

    [SetUp]
    public void Start()
    {
        _m = new ModuleSim(_module);
        _rnd = new Random(_p.DataW);
        _vnic = new VnicTable(_p);
        _route = new RouteTable(_p);
        _map = new MappingTable(_p);
        _acl = new AclTable(_p);
        _offload = new OffloadTable(_p);
        _groups = new FeGroupTable(_p);
        foreach (var port in new[] { "tp_wr", "tp_rd", "acl_cnt_we", "sess_rb_done", "rt_req_valid", "mp_req_valid",
                                     "acl_rd_en", "lv_refresh", "lv_round", "tick_now", "probe_interval" })
            _m.Set(port, 0);
        _m.Set("probe_timeout", 100);
        _m.Reset();
        // MAP and ACL clear their RAMs after reset
        int wait = 0;
        while (_m.Get("tp_ready") != 0x7F && wait++ < 5000) _m.Tick();
        Assert.That(_m.Get("tp_ready"), Is.EqualTo(0x7Fu), "every table is ready after its reset clear");
    }

    [TearDown]
    public void Stop() => _m.Dispose();

    private int Entries(int t) => t switch
    {
        TVnic or TOffload => _p.NVnic,
        TRoute => _p.Routes,
        TMap => _p.MapCapacity,
        TAcl => _p.AclEntries,
        TFeGroup => _p.FeGroups,
        _ => _p.SessSlots,
    };

    private TableStatus ModelWrite(int t, uint i, uint[] d) => t switch
    {
        TVnic => _vnic.Write(i, d),
        TRoute => _route.Write(i, d),
        TMap => _map.Write(i, d),
        TAcl => _acl.Write(i, d),
        TOffload => _offload.Write(i, d),
        _ => _groups.Write(i, d),
    };

    private uint[] ModelRead(int t, uint i)
    {
        var d = new uint[16];
        var st = t switch
        {
            TVnic => _vnic.Read(i, d),
            TRoute => _route.Read(i, d),
            TMap => _map.Read(i, d),
            TAcl => _acl.Read(i, d),
            TOffload => _offload.Read(i, d),
            _ => _groups.Read(i, d),
        };
        Assert.That(st, Is.EqualTo(TableStatus.Ok));
        return d;
    }

    // ------------------------------------------------------------------ random DATA images
    private uint R32() => (uint)_rnd.NextInt64(1L << 32);
    private bool Chance(int n) => _rnd.Next(n) == 0;

    /// <summary>A DATA image for table t: in-range fields, now and then an out-of-range value or a bit in a strict
    /// word, and junk in the bits and words the entry does not use.</summary>
    private uint[] RandomImage(int t)
    {
        var d = new uint[16];
        for (int w = 6; w < 16; w++) d[w] = Chance(2) ? R32() : 0;           // words past every writable layout
        uint vni = Chance(3) ? (uint)_rnd.Next(1, 4) : (uint)_rnd.Next(1 << 24);
        switch (t)
        {
            case TVnic:
                d[0] = Chance(3) ? R32() & 0xFFFF00FEu : 0;                      // junk around ENABLE / ACL_SET
                NezhaFields.VNIC_TABLE_ENABLE.Set(d, (uint)_rnd.Next(2));
                NezhaFields.VNIC_TABLE_ACL_SET.Set(d, Chance(8) ? (uint)_rnd.Next(256) : (uint)_rnd.Next(_p.AclSets));
                d[1] = vni | (Chance(10) ? (uint)_rnd.Next(1, 256) << 24 : 0);
                d[2] = R32();
                d[3] = (uint)_rnd.Next(1 << 16) | (Chance(10) ? (uint)_rnd.Next(1, 1 << 16) << 16 : 0);
                d[4] = 0x0A000000u | (uint)_rnd.Next(1 << 16);
                d[5] = 0x0A000000u | (uint)_rnd.Next(1 << 16);
                break;
            case TRoute:
            {
                d[0] = Chance(3) ? R32() & 0xFFFFC0F0u : 0;
                var type = (RouteType)_rnd.Next(4);
                NezhaFields.ROUTE_TABLE_VALID.Set(d, Chance(5) ? 0u : 1u);
                NezhaFields.ROUTE_TABLE_TYPE.Set(d, (uint)type);
                NezhaFields.ROUTE_TABLE_GENEVE.Set(d, (uint)_rnd.Next(2));
                NezhaFields.ROUTE_TABLE_PLEN.Set(d, Chance(10) ? (uint)_rnd.Next(33, 64) : Chance(9) ? 0u : (uint)_rnd.Next(8, 33));
                d[1] = vni | (Chance(10) ? (uint)_rnd.Next(1, 256) << 24 : 0);
                d[2] = 0x0A000000u | (uint)_rnd.Next(1 << 24);
                d[3] = type == RouteType.Local && !Chance(8) ? (uint)_rnd.Next(_p.NVnic) : R32();
                break;
            }
            case TMap:
                d[0] = Chance(3) ? R32() & 0xFFFFFFFCu : 0;
                NezhaFields.MAP_TABLE_VALID.Set(d, Chance(5) ? 0u : 1u);
                NezhaFields.MAP_TABLE_GENEVE.Set(d, (uint)_rnd.Next(2));
                d[1] = vni | (Chance(10) ? (uint)_rnd.Next(1, 256) << 24 : 0);
                d[2] = 0x0A000000u | (uint)_rnd.Next(1 << 10);
                d[3] = R32();
                d[4] = R32();
                d[5] = (uint)_rnd.Next(1 << 16) | (Chance(10) ? (uint)_rnd.Next(1, 1 << 16) << 16 : 0);
                break;
            case TAcl:
            {
                d[0] = Chance(3) ? R32() & 0xC0C000F8u : 0;
                int lo = _rnd.Next(65536), hi = _rnd.Next(65536);
                NezhaFields.ACL_TABLE_VALID.Set(d, Chance(6) ? 0u : 1u);
                NezhaFields.ACL_TABLE_DIR.Set(d, (uint)_rnd.Next(2));
                NezhaFields.ACL_TABLE_ALLOW.Set(d, (uint)_rnd.Next(2));
                NezhaFields.ACL_TABLE_PROTO.Set(d, Chance(3) ? 0u : (uint)(Chance(2) ? 6 : 17));
                NezhaFields.ACL_TABLE_SRC_LEN.Set(d, Chance(10) ? (uint)_rnd.Next(33, 64) : (uint)_rnd.Next(33));
                NezhaFields.ACL_TABLE_DST_LEN.Set(d, Chance(10) ? (uint)_rnd.Next(33, 64) : (uint)_rnd.Next(33));
                d[1] = 0x0A000000u | (uint)_rnd.Next(1 << 16);
                d[2] = 0x0A000000u | (uint)_rnd.Next(1 << 16);
                NezhaFields.ACL_TABLE_SPORT_LO.Set(d, (uint)(Chance(8) ? Math.Max(lo, hi) : Math.Min(lo, hi)));
                NezhaFields.ACL_TABLE_SPORT_HI.Set(d, (uint)(Chance(8) ? Math.Min(lo, hi) : Math.Max(lo, hi)));
                NezhaFields.ACL_TABLE_DPORT_LO.Set(d, (uint)Math.Min(lo ^ 7, hi));
                NezhaFields.ACL_TABLE_DPORT_HI.Set(d, (uint)Math.Max(lo ^ 7, hi));
                break;
            }
            case TOffload:
                d[0] = Chance(3) ? R32() & 0x000000F8u : 0;
                NezhaFields.OFFLOAD_MODE.Set(d, (uint)_rnd.Next(4));
                NezhaFields.OFFLOAD_COMPACT.Set(d, (uint)_rnd.Next(2));
                NezhaFields.OFFLOAD_GROUP.Set(d, Chance(8) ? (uint)_rnd.Next(256) : (uint)_rnd.Next(_p.FeGroups));
                NezhaFields.OFFLOAD_VERSION.Set(d, (uint)_rnd.Next(256));
                NezhaFields.OFFLOAD_BE_VNIC.Set(d, (uint)_rnd.Next(256));
                d[1] = R32();
                break;
            default:
                d[0] = Chance(3) ? R32() & 0xFFFFF0F8u : 0;
                NezhaFields.FE_GROUP_COUNT.Set(d, Chance(8) ? (uint)_rnd.Next(5, 8) : (uint)_rnd.Next(5));
                NezhaFields.FE_GROUP_ALIVE.Set(d, (uint)_rnd.Next(16));            // read-only: ignored
                for (int w = 1; w <= 4; w++) d[w] = 0x0B000000u | (uint)_rnd.Next(1 << 8);
                break;
        }
        return d;
    }

    // ------------------------------------------------------------------ the register-side port
    private void Select(int t, uint index, uint[] image)
    {
        _m.Set("tp_tbl", (ulong)t);
        _m.Set("tp_idx", index);
        _m.SetBytes("tp_data", RtlLayouts.Image(image));
        _m.Eval();
    }

    /// <summary>CMD 1: the check, then (accepted) the commit cycle. Returns the model's status.</summary>
    private TableStatus Write(int t, uint index, uint[] image)
    {
        Select(t, index, image);
        bool bad = _m.GetBool("tp_bad");
        var st = ModelWrite(t, index, image);
        Assert.That(bad, Is.EqualTo(st == TableStatus.BadValue),
            $"table {t} entry {index}: tp_bad for DATA {string.Join(' ', image.Take(6).Select(w => w.ToString("X8")))}");
        if (!bad)
        {
            _m.Set("tp_wr", 1);
            _m.Tick();
            _m.Set("tp_wr", 0);
            _m.Eval();
        }
        return st;
    }

    /// <summary>CMD 2: tp_rd for one cycle, then the entry in the tp_rd_done cycle.</summary>
    private uint[] Read(int t, uint index)
    {
        Select(t, index, new uint[16]);
        _m.Set("tp_rd", 1);
        _m.Eval();
        for (int c = 0; c < 20; c++)
        {
            if (_m.GetBool("tp_rd_done"))
            {
                var d = RtlLayouts.Words(_m.GetBytes("tp_rd_data"));
                _m.Set("tp_rd", 0);
                _m.Tick();
                return d;
            }
            _m.Tick();
            _m.Set("tp_rd", 0);
            _m.Eval();
        }
        Assert.Fail($"table {t} entry {index}: no tp_rd_done within 20 cycles");
        return null!;
    }

    private static string Hex(uint[] d) => string.Join(' ', d.Select(w => w.ToString("X8")));

    [Test]
    public void CommandsCheckWriteAndReadBackLikeTheModel()
    {
        int accepted = 0, refused = 0;
        for (int n = 0; n < 3000; n++)
        {
            int t = Writable[_rnd.Next(Writable.Length)];
            uint index = (uint)_rnd.Next(Entries(t));
            if (Write(t, index, RandomImage(t)) == TableStatus.Ok) accepted++;
            else refused++;
            if (Chance(3))
            {
                uint j = (uint)_rnd.Next(Entries(t));
                Assert.That(Hex(Read(t, j)), Is.EqualTo(Hex(ModelRead(t, j))), $"table {t} entry {j}: CMD 2 DATA words");
            }
        }
        // every entry of every table, once at the end
        foreach (int t in Writable)
            for (uint j = 0; j < Entries(t); j++)
                Assert.That(Hex(Read(t, j)), Is.EqualTo(Hex(ModelRead(t, j))), $"table {t} entry {j}: CMD 2 DATA words");
        TestContext.Out.WriteLine($"{accepted} images accepted, {refused} refused (BAD_VALUE)");
        Assert.That(refused, Is.GreaterThan(200), "out-of-range images were tried");
        Assert.That(accepted, Is.GreaterThan(1000));
    }

    [Test]
    public void DatapathPortsAnswerLikeTheModelTables()
    {
        // contents: every entry written (refused images leave the entry as it was); mappings go to the bucket of
        // their key so that lookups find them
        foreach (int t in Writable)
            for (uint j = 0; j < Entries(t); j++)
                Write(t, j, RandomImage(t));
        for (int n = 0; n < _p.MapCapacity; n++)
        {
            var d = RandomImage(TMap);
            d[1] &= 0xFFFFFF;
            d[5] &= 0xFFFF;
            uint slot = (uint)(_map.Bucket(d[1], d[2]) * _p.MapWays + _rnd.Next(_p.MapWays));
            Assert.That(Write(TMap, slot, d), Is.EqualTo(TableStatus.Ok));
        }
        for (int s = 0; s < _p.AclSets; s++)
        {
            int count = _rnd.Next(_p.AclRules + 1);
            _m.Set("acl_cnt_we", 1); _m.Set("acl_cnt_set", (ulong)s); _m.Set("acl_cnt_val", (ulong)count);
            _m.Tick();
            _m.Set("acl_cnt_we", 0);
            _acl.SetSetCount(s, count);
        }
        _m.Eval();

        // vNIC, offload and FE group outputs, entry by entry
        BigInteger en = _m.GetBig("vnic_en"), vni = _m.GetBig("vnic_vni"), mac = _m.GetBig("vnic_mac"), ip = _m.GetBig("vnic_ip"),
                   gw = _m.GetBig("vnic_gw"), acl = _m.GetBig("vnic_acl"), mode = _m.GetBig("ol_mode"), cmp = _m.GetBig("ol_compact"),
                   grp = _m.GetBig("ol_group"), ver = _m.GetBig("ol_version"), bvn = _m.GetBig("ol_be_vnic"), bvt = _m.GetBig("ol_be_vtep");
        int grpW = _p.FeGroups <= 2 ? 1 : (int)Math.Ceiling(Math.Log2(_p.FeGroups));
        static ulong F(BigInteger v, int i, int w) => (ulong)((v >> (i * w)) & ((BigInteger.One << w) - 1));
        for (int i = 0; i < _p.NVnic; i++)
        {
            var e = _vnic[i];
            Assert.That((F(en, i, 1), F(vni, i, 24), F(mac, i, 48), F(ip, i, 32), F(gw, i, 32), F(acl, i, 8)),
                Is.EqualTo((e.Enable ? 1UL : 0, (ulong)e.Vni, e.Mac, (ulong)e.Ip, (ulong)e.GwIp, (ulong)e.AclSet)), $"vNIC {i}");
            var o = _offload[i];
            Assert.That((F(mode, i, 2), F(cmp, i, 1), F(grp, i, grpW), F(ver, i, 8), F(bvn, i, 8), F(bvt, i, 32)),
                Is.EqualTo(((ulong)o.Mode, o.Compact ? 1UL : 0, (ulong)o.Group, (ulong)o.Version, (ulong)o.BeVnic, (ulong)o.BeVtep)),
                $"offload entry {i}");
        }
        BigInteger fc = _m.GetBig("fg_count"), fv = _m.GetBig("fg_vtep"), fa = _m.GetBig("fg_alive");
        for (int g = 0; g < _p.FeGroups; g++)
        {
            var e = _groups[g];
            Assert.That((F(fc, g, 3), F(fa, g, 4)), Is.EqualTo(((ulong)e.Count, (ulong)_groups.AliveMask(g))), $"FE group {g}");
            for (int k = 0; k < 4; k++)
                Assert.That(F(fv, 4 * g + k, 32), Is.EqualTo((ulong)e.Vtep(k)), $"FE group {g} member {k}");
        }

        // ACL rules (data one cycle after the address) and set counts
        BigInteger counts = _m.GetBig("acl_count");
        for (int s = 0; s < _p.AclSets; s++)
            Assert.That(F(counts, s, 9), Is.EqualTo((ulong)_acl.SetCount(s)), $"ACL set {s} count");
        for (int i = 0; i < _p.AclEntries; i++)
        {
            _m.Set("acl_rd_en", 1); _m.Set("acl_rd_addr", (ulong)i);
            _m.Tick();
            Assert.That(_m.GetBig("acl_rd_data"), Is.EqualTo(RtlLayouts.RuleBits(_acl[i])), $"ACL rule {i}");
        }
        _m.Set("acl_rd_en", 0);

        // route and mapping lookups, one per cycle: answers 2 / 3 cycles after the request
        var rq = new Queue<(uint Vni, uint Ip)>[2] { new(), new() };
        int hitsR = 0, hitsM = 0;
        for (int c = 0; c < 1000 + 3; c++)
        {
            bool req = c < 1000;
            (uint vr, uint ir) = RouteKey();
            (uint vm, uint im) = MapKey();
            _m.Set("rt_req_valid", req); _m.Set("rt_req_vni", vr); _m.Set("rt_req_ip", ir);
            _m.Set("mp_req_valid", req); _m.Set("mp_req_vni", vm); _m.Set("mp_req_ip", im);
            _m.Tick();
            if (req) { rq[0].Enqueue((vr, ir)); rq[1].Enqueue((vm, im)); }
            if (c >= 1 && c <= 1000)
            {
                Assert.That(_m.GetBool("rt_resp_valid"), Is.True, "route answer 2 cycles after the request");
                var (qv, qi) = rq[0].Dequeue();
                int hit = _route.Lookup(qv, qi);
                Assert.That(_m.GetBool("rt_resp_hit"), Is.EqualTo(hit >= 0), $"route vni {qv} ip {qi:X8}");
                if (hit >= 0)
                {
                    hitsR++;
                    var e = _route[hit];
                    Assert.That(((RouteType)_m.Get("rt_resp_type"), (uint)_m.Get("rt_resp_value"), (TunnelType)_m.Get("rt_resp_geneve")),
                        Is.EqualTo((e.Type, e.Value, e.Tunnel)), $"route vni {qv} ip {qi:X8}");
                }
            }
            if (c >= 2 && c <= 1001)
            {
                Assert.That(_m.GetBool("mp_resp_valid"), Is.True, "mapping answer 3 cycles after the request");
                var (qv, qi) = rq[1].Dequeue();
                int hit = _map.Lookup(qv, qi);
                Assert.That(_m.GetBool("mp_resp_hit"), Is.EqualTo(hit >= 0), $"mapping vni {qv} ip {qi:X8}");
                if (hit >= 0)
                {
                    hitsM++;
                    var e = _map[hit];
                    Assert.That(((uint)_m.Get("mp_resp_vtep"), _m.Get("mp_resp_mac"), (TunnelType)_m.Get("mp_resp_geneve")),
                        Is.EqualTo((e.Vtep, e.Mac, e.Tunnel)), $"mapping vni {qv} ip {qi:X8}");
                }
            }
        }
        TestContext.Out.WriteLine($"route hits {hitsR}/1000, mapping hits {hitsM}/1000");
        Assert.That(hitsR, Is.GreaterThan(50));
        Assert.That(hitsM, Is.GreaterThan(200));
    }

    private (uint Vni, uint Ip) RouteKey()
    {
        if (Chance(4)) return ((uint)_rnd.Next(1 << 24), R32());
        var e = _route[_rnd.Next(_p.Routes)];
        uint host = e.Plen >= 32 ? 0 : (uint)_rnd.NextInt64(1L << (32 - e.Plen));
        return (e.Vni, e.Prefix | host);
    }

    private (uint Vni, uint Ip) MapKey()
    {
        if (Chance(4)) return ((uint)_rnd.Next(1, 4), 0x0A000000u | (uint)_rnd.Next(1 << 10));
        var e = _map[_rnd.Next(_p.MapCapacity)];
        return (e.Vni, e.Ip);
    }

    [Test]
    public void SessionReadBackIsFormattedLikeTheModel()
    {
        int locW = 2 + _p.SessLog2 + _p.SessWaysLog2;
        for (int n = 0; n < 300; n++)
        {
            uint index = (uint)_rnd.NextInt64(1L << 32);
            bool compact = Chance(3);
            var key = ModelFlowKey.Make((uint)_rnd.Next(1 << 24), (byte)(Chance(2) ? 6 : 17), R32(), (ushort)_rnd.Next(65536),
                                        R32(), (ushort)_rnd.Next(65536), out _);
            var e = new ModelSessionEntry
            {
                Valid = !Chance(5), InitDir = Chance(2), Est = Chance(2), Fin0 = Chance(4), Fin1 = Chance(4),
                Ts = (ushort)_rnd.Next(65536), Key = key, Pkts = R32(), Bytes = (ulong)_rnd.NextInt64(1L << 40),
                Compact = compact,
                Act0 = compact ? default : new ModelSessionAction((ActionType)_rnd.Next(4), _rnd.Next(256), R32(), (ulong)_rnd.NextInt64(1L << 48)),
                Act1 = compact ? default : new ModelSessionAction((ActionType)_rnd.Next(4), _rnd.Next(256), R32(), (ulong)_rnd.NextInt64(1L << 48)),
            };
            Select(TSess, index, new uint[16]);
            _m.Set("tp_rd", 1);
            _m.Tick();
            _m.Set("tp_rd", 0);
            _m.Eval();
            int delay = _rnd.Next(6);
            for (int c = 0; c < delay; c++)
            {
                Assert.That(_m.GetBool("sess_rb_req"), Is.True, "sess_rb_req held until sess_rb_done");
                Assert.That(_m.GetBool("tp_rd_done"), Is.False, "no tp_rd_done before sess_rb_done");
                _m.Tick();
            }
            Assert.That(_m.GetBool("sess_rb_req"), Is.True);
            Assert.That(_m.Get("sess_rb_loc"), Is.EqualTo((ulong)(index & ((1u << locW) - 1))), "sess_rb_loc = INDEX");
            _m.Set("sess_rb_done", 1);
            _m.SetBig("sess_rb_entry", RtlLayouts.EntryBits(e));
            _m.Set("sess_rb_compact", compact);
            _m.Eval();
            Assert.That(_m.GetBool("tp_rd_done"), Is.True, "tp_rd_done in the sess_rb_done cycle");
            var want = new uint[16];
            e.Encode(want);
            Assert.That(Hex(RtlLayouts.Words(_m.GetBytes("tp_rd_data"))), Is.EqualTo(Hex(want)), "SESSION DATA words");
            _m.Tick();
            _m.Set("sess_rb_done", 0);
            _m.Eval();
            Assert.That(_m.GetBool("sess_rb_req"), Is.False, "sess_rb_req low after sess_rb_done");
        }
    }
}
