using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nezha.Driver.Config;
using Nezha.Driver.Internal;
using Nezha.Common.Hashing;
using Nezha.Common.Registers;

namespace Nezha.Driver;

/// <summary>
/// Programs and reads a Nezha card through its AXI4-Lite registers. Works the same against the simulated
/// card and a real board; call <see cref="Discover"/> first (the table methods do it on first use).
/// </summary>
public sealed partial class NicDriver
{
    private readonly RegisterBus _bus;
    private readonly ILogger _logger;
    private readonly IndirectTable _vnics, _routes, _maps, _acls, _sessions;
    private NicInfo? _info;
    private MappingShadow? _shadow;

    public NicDriver(IRegisterTransport transport, ILogger<NicDriver>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _bus = new RegisterBus(transport, _logger);
        _vnics = new IndirectTable(_bus, NezhaRegs.VNIC_TABLE_BASE, EntryCodec.VnicWords);
        _routes = new IndirectTable(_bus, NezhaRegs.ROUTE_TABLE_BASE, EntryCodec.RouteWords);
        _maps = new IndirectTable(_bus, NezhaRegs.MAP_TABLE_BASE, EntryCodec.MapWords);
        _acls = new IndirectTable(_bus, NezhaRegs.ACL_TABLE_BASE, EntryCodec.AclWords);
        _sessions = new IndirectTable(_bus, NezhaRegs.SESSION_BASE, EntryCodec.SessionWords);
    }

    /// <summary>The card's parameters; discovers the card on first use.</summary>
    public NicInfo Info => _info ?? Discover();

    private MappingShadow Shadow => _shadow ?? throw new InvalidOperationException("not discovered");

    // ---------------------------------------------------------------- discovery

    private static readonly (string Name, uint Type, uint Base)[] ExpectedBlocks =
    [
        ("CORE", NezhaRegs.CORE_TYPE, NezhaRegs.CORE_BASE),
        ("CONFIG", NezhaRegs.CONFIG_TYPE, NezhaRegs.CONFIG_BASE),
        ("STATS", NezhaRegs.STATS_TYPE, NezhaRegs.STATS_BASE),
        ("VNIC_STATS", NezhaRegs.VNIC_STATS_TYPE, NezhaRegs.VNIC_STATS_BASE),
        ("VNIC_TABLE", NezhaRegs.VNIC_TABLE_TYPE, NezhaRegs.VNIC_TABLE_BASE),
        ("ROUTE_TABLE", NezhaRegs.ROUTE_TABLE_TYPE, NezhaRegs.ROUTE_TABLE_BASE),
        ("MAP_TABLE", NezhaRegs.MAP_TABLE_TYPE, NezhaRegs.MAP_TABLE_BASE),
        ("ACL_TABLE", NezhaRegs.ACL_TABLE_TYPE, NezhaRegs.ACL_TABLE_BASE),
        ("SESSION", NezhaRegs.SESSION_TYPE, NezhaRegs.SESSION_BASE),
    ];

    /// <summary>
    /// Walks the block chain from address 0, checks that every block this driver uses is where the register
    /// map puts it with a compatible version, and reads the build parameters.
    /// </summary>
    /// <exception cref="NicDiscoveryException">the chain is not a supported Nezha card.</exception>
    public NicInfo Discover()
    {
        var found = new Dictionary<uint, uint>();
        var visited = new HashSet<uint>();
        uint addr = 0;
        do
        {
            if (!visited.Add(addr) || visited.Count > 64)
                throw new NicDiscoveryException($"block chain loops back to 0x{addr:X4}");
            uint type = _bus.Read(addr + NezhaRegs.BLK_TYPE);
            uint version = _bus.Read(addr + NezhaRegs.BLK_VERSION);
            uint next = _bus.Read(addr + NezhaRegs.BLK_NEXT);
            Log.Block(_logger, addr, type, version, next);
            if (type >> 16 != NezhaRegs.CORE_TYPE >> 16)
                throw new NicDiscoveryException($"block at 0x{addr:X4} has type 0x{type:X8}, not a Nezha block");
            if (version >> 16 != NezhaRegs.VERSION >> 16)
                throw new NicDiscoveryException(
                    $"block at 0x{addr:X4} has register map version 0x{version:X8}; this driver supports 0x{NezhaRegs.VERSION:X8}");
            found.TryAdd(type, addr);
            addr = next;
        } while (addr != 0);

        foreach (var (name, type, baseAddr) in ExpectedBlocks)
        {
            if (!found.TryGetValue(type, out uint at))
                throw new NicDiscoveryException($"block {name} (type 0x{type:X8}) is missing");
            if (at != baseAddr)
                throw new NicDiscoveryException($"block {name} is at 0x{at:X4}, expected 0x{baseAddr:X4}");
        }

        int R(uint a) => (int)_bus.Read(a);
        var info = new NicInfo(
            DataW: R(NezhaRegs.CORE_DATA_W), NVnic: R(NezhaRegs.CORE_N_VNIC),
            SessBuckets: R(NezhaRegs.CORE_SESS_BUCKETS), SessWays: R(NezhaRegs.CORE_SESS_WAYS),
            AclSets: R(NezhaRegs.CORE_ACL_SETS), AclRules: R(NezhaRegs.CORE_ACL_RULES),
            Routes: R(NezhaRegs.CORE_ROUTES), MapBuckets: R(NezhaRegs.CORE_MAP_BUCKETS),
            MapWays: R(NezhaRegs.CORE_MAP_WAYS), HdrBytes: R(NezhaRegs.CORE_HDR_BYTES),
            MtuMax: R(NezhaRegs.CORE_MTU_MAX), MaxKicks: R(NezhaRegs.CORE_MAX_KICKS));
        if (info.NVnic <= 0 || info.Routes <= 0 || info.MapBuckets <= 0 || info.MapWays <= 0
            || info.AclSets <= 0 || info.AclRules <= 0 || info.SessBuckets <= 0 || info.SessWays <= 0)
            throw new NicDiscoveryException($"implausible build parameters: {info}");
        Log.Discovered(_logger, info);
        _info = info;
        _shadow = new MappingShadow(info.MapBuckets, info.MapWays);
        return info;
    }

    // ---------------------------------------------------------------- global config

    public void Configure(NicGlobalConfig c)
    {
        ArgumentNullException.ThrowIfNull(c);
        NicInfo info = Info;
        CheckMac(c.NicMac, nameof(c.NicMac));
        CheckMac(c.NextHopMac, nameof(c.NextHopMac));
        CheckMac(c.GatewayMac, nameof(c.GatewayMac));
        CheckRange(c.Mtu, 64, info.MtuMax, nameof(c.Mtu));
        CheckRange(c.IdleTimeout, 0, 32767, nameof(c.IdleTimeout));
        CheckRange(c.CloseTimeout, 0, 32767, nameof(c.CloseTimeout));
        CheckRange(c.TickCycles, 0, 0xFF_FFFF, nameof(c.TickCycles));   // 0 = external tick
        CheckRange(c.EffectiveVmMtu, 64, c.Mtu - NicGlobalConfig.EncapOverhead, nameof(c.VmMtu));   // every VM frame fits a tunnel
        Log.Global(_logger, c);
        _bus.Write(NezhaRegs.CONFIG_NIC_MAC_LO, (uint)c.NicMac);
        _bus.Write(NezhaRegs.CONFIG_NIC_MAC_HI, (uint)(c.NicMac >> 32));
        _bus.Write(NezhaRegs.CONFIG_VTEP_IP, c.VtepIp);
        _bus.Write(NezhaRegs.CONFIG_NH_MAC_LO, (uint)c.NextHopMac);
        _bus.Write(NezhaRegs.CONFIG_NH_MAC_HI, (uint)(c.NextHopMac >> 32));
        _bus.Write(NezhaRegs.CONFIG_GW_MAC_LO, (uint)c.GatewayMac);
        _bus.Write(NezhaRegs.CONFIG_GW_MAC_HI, (uint)(c.GatewayMac >> 32));
        _bus.Write(NezhaRegs.CONFIG_MTU, (uint)c.Mtu);
        _bus.Write(NezhaRegs.CONFIG_IDLE_TIMEOUT, (uint)c.IdleTimeout);
        _bus.Write(NezhaRegs.CONFIG_CLOSE_TIMEOUT, (uint)c.CloseTimeout);
        _bus.Write(NezhaRegs.CONFIG_TICK_CYCLES, (uint)c.TickCycles);
        _bus.Write(NezhaRegs.CONFIG_VM_MTU, (uint)c.EffectiveVmMtu);
    }

    public NicGlobalConfig ReadGlobalConfig()
    {
        ulong Mac(uint lo) => ((ulong)_bus.Read(lo + 4) << 32) | _bus.Read(lo);
        return new NicGlobalConfig(
            Mac(NezhaRegs.CONFIG_NIC_MAC_LO), _bus.Read(NezhaRegs.CONFIG_VTEP_IP),
            Mac(NezhaRegs.CONFIG_NH_MAC_LO), Mac(NezhaRegs.CONFIG_GW_MAC_LO),
            (int)_bus.Read(NezhaRegs.CONFIG_MTU), (int)_bus.Read(NezhaRegs.CONFIG_IDLE_TIMEOUT),
            (int)_bus.Read(NezhaRegs.CONFIG_CLOSE_TIMEOUT), (int)_bus.Read(NezhaRegs.CONFIG_TICK_CYCLES),
            (int)_bus.Read(NezhaRegs.CONFIG_VM_MTU));
    }

    /// <summary>The current tick (16 bits).</summary>
    public int ReadTick() => (int)_bus.Read(NezhaRegs.CONFIG_TICK_NOW);

    /// <summary>The free-running cycle counter.</summary>
    public ulong ReadCycles() => _bus.Read64(NezhaRegs.CORE_CYCLES_LO);

    // ---------------------------------------------------------------- vNIC table

    public void WriteVnic(int index, VnicEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        NicInfo info = Info;
        CheckIndex(index, info.NVnic, nameof(index));
        CheckVni(e.Vni);
        CheckMac(e.Mac, nameof(e.Mac));
        CheckRange(e.AclSet, 0, info.AclSets - 1, nameof(e.AclSet));
        Log.Vnic(_logger, index, e);
        Span<uint> d = stackalloc uint[EntryCodec.VnicWords];
        EntryCodec.Pack(e, d);
        _vnics.Write(index, d);
    }

    public VnicEntry ReadVnic(int index)
    {
        CheckIndex(index, Info.NVnic, nameof(index));
        Span<uint> d = stackalloc uint[EntryCodec.VnicWords];
        _vnics.Read(index, d);
        return EntryCodec.UnpackVnic(d);
    }

    // ---------------------------------------------------------------- route table

    public void WriteRoute(int index, RouteEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        NicInfo info = Info;
        CheckIndex(index, info.Routes, nameof(index));
        CheckVni(e.Vni);
        CheckRange(e.PrefixLen, 0, 32, nameof(e.PrefixLen));
        if (!Enum.IsDefined(e.Type)) throw new ArgumentOutOfRangeException(nameof(e), $"route type {e.Type} is not defined");
        if (e.Type == RouteType.Local) CheckIndex((int)e.Value, info.NVnic, "Value (vNIC)");
        CheckTunnel(e.Tunnel);
        Log.Route(_logger, index, e);
        Span<uint> d = stackalloc uint[EntryCodec.RouteWords];
        EntryCodec.Pack(e, d);
        _routes.Write(index, d);
    }

    public RouteEntry ReadRoute(int index)
    {
        CheckIndex(index, Info.Routes, nameof(index));
        Span<uint> d = stackalloc uint[EntryCodec.RouteWords];
        _routes.Read(index, d);
        return EntryCodec.UnpackRoute(d);
    }

    // ---------------------------------------------------------------- mapping table

    /// <summary>Writes one mapping slot (index = bucket * MapWays + way) as given; the caller picks the slot.</summary>
    public void WriteMapping(int index, MappingEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        NicInfo info = Info;
        CheckIndex(index, info.MapEntries, nameof(index));
        CheckVni(e.Vni);
        CheckMac(e.Mac, nameof(e.Mac));
        CheckTunnel(e.Tunnel);
        Log.Mapping(_logger, index, index / info.MapWays, index % info.MapWays, e);
        Span<uint> d = stackalloc uint[EntryCodec.MapWords];
        EntryCodec.Pack(e, d);
        _maps.Write(index, d);
        Shadow.Set(index, e);
    }

    public MappingEntry ReadMapping(int index)
    {
        CheckIndex(index, Info.MapEntries, nameof(index));
        Span<uint> d = stackalloc uint[EntryCodec.MapWords];
        _maps.Read(index, d);
        return EntryCodec.UnpackMapping(d);
    }

    /// <summary>The mapping bucket of (vni, ip): CRC32C(vni, ip) mod MapBuckets.</summary>
    public int MappingBucket(uint vni, uint ip) => (int)(Crc32C.MappingKey(vni, ip) % (uint)Info.MapBuckets);

    /// <summary>
    /// Places a mapping in its bucket: over the entry with the same (vni, ip) if the driver wrote one,
    /// else in the first way the driver has not filled. Returns the slot index.
    /// </summary>
    /// <exception cref="InvalidOperationException">all ways of the bucket hold other keys.</exception>
    public int AddMapping(MappingEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!e.Valid) throw new ArgumentException("AddMapping needs a valid entry; use RemoveMapping", nameof(e));
        _ = Info;
        int slot = Shadow.Place(e.Vni, e.Ip);
        if (slot < 0)
            throw new InvalidOperationException(
                $"mapping bucket {Shadow.Bucket(e.Vni, e.Ip)} is full ({Shadow.Ways} ways): cannot add VNI {e.Vni} {NetFormat.Ip(e.Ip)}");
        WriteMapping(slot, e);
        return slot;
    }

    /// <summary>Invalidates the slot holding (vni, ip). Returns false when the driver has not written that key.</summary>
    public bool RemoveMapping(uint vni, uint ip)
    {
        _ = Info;
        int slot = Shadow.Find(vni, ip);
        if (slot < 0) return false;
        WriteMapping(slot, new MappingEntry(false, 0, 0, 0, 0));
        return true;
    }

    /// <summary>Invalidates every mapping slot.</summary>
    public void ClearMappings()
    {
        NicInfo info = Info;
        Span<uint> d = stackalloc uint[EntryCodec.MapWords];
        _maps.Fill(0, info.MapEntries, d);
        Shadow.Clear();
        Log.Cleared(_logger, "mapping", 0, info.MapEntries - 1);
    }

    /// <summary>Reloads the placement shadow from the card (when attaching to a card programmed by someone else).</summary>
    public void SyncMappingsFromCard()
    {
        NicInfo info = Info;
        for (int i = 0; i < info.MapEntries; i++)
            Shadow.Set(i, ReadMapping(i));
    }

    // ---------------------------------------------------------------- ACL table

    public void WriteAclRule(int set, int rule, AclRule r)
    {
        ArgumentNullException.ThrowIfNull(r);
        NicInfo info = Info;
        CheckIndex(set, info.AclSets, nameof(set));
        CheckIndex(rule, info.AclRules, nameof(rule));
        CheckRange(r.SrcLen, 0, 32, nameof(r.SrcLen));
        CheckRange(r.DstLen, 0, 32, nameof(r.DstLen));
        Log.Acl(_logger, set, rule, r);
        Span<uint> d = stackalloc uint[EntryCodec.AclWords];
        EntryCodec.Pack(r, d);
        _acls.Write(set * info.AclRules + rule, d);
    }

    public AclRule ReadAclRule(int set, int rule)
    {
        NicInfo info = Info;
        CheckIndex(set, info.AclSets, nameof(set));
        CheckIndex(rule, info.AclRules, nameof(rule));
        Span<uint> d = stackalloc uint[EntryCodec.AclWords];
        _acls.Read(set * info.AclRules + rule, d);
        return EntryCodec.UnpackAcl(d);
    }

    /// <summary>Sets how many rules of the set are evaluated (rules 0..count-1).</summary>
    public void SetAclCount(int set, int count)
    {
        NicInfo info = Info;
        CheckIndex(set, info.AclSets, nameof(set));
        CheckRange(count, 0, info.AclRules, nameof(count));
        Log.AclCount(_logger, set, count);
        _bus.Write(NezhaRegs.ACL_TABLE_SET_SEL, (uint)set);
        _bus.Write(NezhaRegs.ACL_TABLE_SET_COUNT, (uint)count);
    }

    public int GetAclCount(int set)
    {
        CheckIndex(set, Info.AclSets, nameof(set));
        _bus.Write(NezhaRegs.ACL_TABLE_SET_SEL, (uint)set);
        return (int)_bus.Read(NezhaRegs.ACL_TABLE_SET_COUNT);
    }

    // ---------------------------------------------------------------- counters

    public ulong ReadStat(StatIndex stat) =>
        _bus.Read64(NezhaRegs.STATS_COUNTER_BASE + 8u * (uint)stat);

    /// <summary>Every counter named by <see cref="StatIndex"/>, in index order.</summary>
    public IReadOnlyList<KeyValuePair<StatIndex, ulong>> ReadAllStats()
    {
        var result = new List<KeyValuePair<StatIndex, ulong>>();
        foreach (StatIndex s in Enum.GetValues<StatIndex>().Order())
            result.Add(new(s, ReadStat(s)));
        return result;
    }

    public VnicCounters ReadVnicCounters(int vnic)
    {
        CheckIndex(vnic, Info.NVnic, nameof(vnic));
        _bus.Write(NezhaRegs.VNIC_STATS_SEL, (uint)vnic);
        return new VnicCounters(
            _bus.Read64(NezhaRegs.VNIC_STATS_RX_PKTS), _bus.Read64(NezhaRegs.VNIC_STATS_RX_BYTES),
            _bus.Read64(NezhaRegs.VNIC_STATS_TX_PKTS), _bus.Read64(NezhaRegs.VNIC_STATS_TX_BYTES),
            _bus.Read64(NezhaRegs.VNIC_STATS_NEW_FLOWS), _bus.Read64(NezhaRegs.VNIC_STATS_SLOW_CYCLES));
    }

    // ---------------------------------------------------------------- sessions

    /// <summary>Session slot index: bank, bucket in the bank, way, and the half of the word (a full entry is at half 0).</summary>
    public int SessionIndex(int bank, int bucket, int way, int half = 0)
    {
        NicInfo info = Info;
        CheckIndex(bank, 2, nameof(bank));
        CheckIndex(bucket, info.SessBuckets, nameof(bucket));
        CheckIndex(way, info.SessWays, nameof(way));
        CheckIndex(half, 2, nameof(half));
        return half * info.SessionEntries + (bank * info.SessBuckets + bucket) * info.SessWays + way;
    }

    public SessionEntryView ReadSession(int index)
    {
        CheckIndex(index, Info.SessionSlots, nameof(index));
        Span<uint> d = stackalloc uint[EntryCodec.SessionWords];
        _sessions.Read(index, d);
        return EntryCodec.UnpackSession(index, d);
    }

    // ---------------------------------------------------------------- whole config

    /// <summary>
    /// Programs a validated config (see <see cref="NicConfigLoader"/>). Every enabled vNIC is disabled first and
    /// only re-enabled after the global settings, ACLs, mappings and routes are in place, so no frame is ever
    /// processed against a half-written configuration. Sessions created before the call stay until they age out.
    /// </summary>
    public void Apply(NicConfig config) => new ConfigApplier(this, _logger).Apply(config);

    internal void ClearRoutes(int first)
    {
        NicInfo info = Info;
        if (first >= info.Routes) return;
        Span<uint> d = stackalloc uint[EntryCodec.RouteWords];
        _routes.Fill(first, info.Routes - first, d);
        Log.Cleared(_logger, "route", first, info.Routes - 1);
    }

    // ---------------------------------------------------------------- argument checks

    private static void CheckIndex(int value, int count, string name)
    {
        if ((uint)value >= (uint)count)
            throw new ArgumentOutOfRangeException(name, value, $"must be in 0..{count - 1}");
    }

    private static void CheckRange(int value, int min, int max, string name)
    {
        if (value < min || value > max)
            throw new ArgumentOutOfRangeException(name, value, $"must be in {min}..{max}");
    }

    private static void CheckVni(uint vni)
    {
        if (vni > 0xFF_FFFF) throw new ArgumentOutOfRangeException(nameof(vni), vni, "VNI is 24 bits");
    }

    private static void CheckTunnel(TunnelType t)
    {
        if (!Enum.IsDefined(t)) throw new ArgumentOutOfRangeException(nameof(t), t, "tunnel type is Vxlan or Geneve");
    }

    private static void CheckMac(ulong mac, string name)
    {
        if (mac > 0xFFFF_FFFF_FFFFUL) throw new ArgumentOutOfRangeException(name, mac, "MAC is 48 bits");
    }
}
