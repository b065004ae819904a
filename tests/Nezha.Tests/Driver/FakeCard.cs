using Nezha.Driver;
using Nezha.Common.Registers;

namespace Nezha.Tests.Driver;

/// <summary>
/// An in-memory register file shaped like the card (block chain, CORE parameters, CONFIG, counters, indirect
/// tables) for driver tests. It checks only what the tests need: ranges of CONFIG registers, table indexes and
/// commands. Every access is logged in order.
/// </summary>
internal sealed class FakeCard : IRegisterTransport
{
    public sealed record Access(bool Write, uint Addr, uint Data, RegResp Resp);

    private static readonly (uint Base, uint Type)[] Blocks =
    [
        (NezhaRegs.CORE_BASE, NezhaRegs.CORE_TYPE), (NezhaRegs.CONFIG_BASE, NezhaRegs.CONFIG_TYPE),
        (NezhaRegs.STATS_BASE, NezhaRegs.STATS_TYPE), (NezhaRegs.VNIC_STATS_BASE, NezhaRegs.VNIC_STATS_TYPE),
        (NezhaRegs.VNIC_TABLE_BASE, NezhaRegs.VNIC_TABLE_TYPE), (NezhaRegs.ROUTE_TABLE_BASE, NezhaRegs.ROUTE_TABLE_TYPE),
        (NezhaRegs.MAP_TABLE_BASE, NezhaRegs.MAP_TABLE_TYPE), (NezhaRegs.ACL_TABLE_BASE, NezhaRegs.ACL_TABLE_TYPE),
        (NezhaRegs.SESSION_BASE, NezhaRegs.SESSION_TYPE),
    ];

    public sealed class Table(int entries, bool writable)
    {
        public uint[][] Entries { get; } = Enumerable.Range(0, entries).Select(_ => new uint[16]).ToArray();
        public uint[] Data { get; } = new uint[16];
        public uint Index, Status;
        public bool Writable => writable;
        /// <summary>Refuse a write command with BAD_VALUE when this returns true.</summary>
        public Func<uint[], bool>? RejectValue;
    }

    private readonly Dictionary<uint, uint> _regs = new();
    private readonly Dictionary<uint, Table> _tables = new();
    private readonly uint _lastBlock;
    private uint _hiLatch;

    public FakeCard(NicInfo info, int blocks = 9)
    {
        Info = info;
        for (int i = 0; i < blocks; i++)
        {
            var (b, t) = Blocks[i];
            _regs[b] = t;
            _regs[b + 4] = NezhaRegs.VERSION;
            _regs[b + 8] = i + 1 < blocks ? Blocks[i + 1].Base : 0;
        }
        _lastBlock = Blocks[blocks - 1].Base;
        _regs[NezhaRegs.CORE_DATA_W] = (uint)info.DataW;
        _regs[NezhaRegs.CORE_N_VNIC] = (uint)info.NVnic;
        _regs[NezhaRegs.CORE_SESS_BUCKETS] = (uint)info.SessBuckets;
        _regs[NezhaRegs.CORE_SESS_WAYS] = (uint)info.SessWays;
        _regs[NezhaRegs.CORE_ACL_SETS] = (uint)info.AclSets;
        _regs[NezhaRegs.CORE_ACL_RULES] = (uint)info.AclRules;
        _regs[NezhaRegs.CORE_ROUTES] = (uint)info.Routes;
        _regs[NezhaRegs.CORE_MAP_BUCKETS] = (uint)info.MapBuckets;
        _regs[NezhaRegs.CORE_MAP_WAYS] = (uint)info.MapWays;
        _regs[NezhaRegs.CORE_HDR_BYTES] = (uint)info.HdrBytes;
        _regs[NezhaRegs.CORE_MTU_MAX] = (uint)info.MtuMax;
        _regs[NezhaRegs.CORE_MAX_KICKS] = (uint)info.MaxKicks;
        _tables[NezhaRegs.VNIC_TABLE_BASE] = new Table(info.NVnic, true);
        _tables[NezhaRegs.ROUTE_TABLE_BASE] = new Table(info.Routes, true);
        _tables[NezhaRegs.MAP_TABLE_BASE] = new Table(info.MapEntries, true);
        _tables[NezhaRegs.ACL_TABLE_BASE] = new Table(info.AclSets * info.AclRules, true);
        _tables[NezhaRegs.SESSION_BASE] = new Table(info.SessionSlots, false);
        AclCounts = new uint[info.AclSets];
    }

    public static NicInfo W64 { get; } = new(64, 16, 256, 8, 4, 256, 16, 64, 4, 128, 9216, 8);
    public static NicInfo Tiny { get; } = new(8, 4, 16, 2, 2, 16, 4, 8, 2, 128, 1536, 4);

    public NicInfo Info { get; }
    public List<Access> Log { get; } = [];
    public uint[] AclCounts { get; }
    public ulong[] Counters { get; } = new ulong[NezhaRegs.STATS_COUNT];
    public Dictionary<int, ulong[]> VnicCounters { get; } = new();
    public HashSet<uint> FailAddresses { get; } = [];

    public Table VnicTable => _tables[NezhaRegs.VNIC_TABLE_BASE];
    public Table RouteTable => _tables[NezhaRegs.ROUTE_TABLE_BASE];
    public Table MapTable => _tables[NezhaRegs.MAP_TABLE_BASE];
    public Table AclTable => _tables[NezhaRegs.ACL_TABLE_BASE];
    public Table SessionTable => _tables[NezhaRegs.SESSION_BASE];

    public void Poke(uint addr, uint value) => _regs[addr] = value;

    public RegResp Write32(uint addr, uint data)
    {
        RegResp r = DoWrite(addr, data);
        Log.Add(new Access(true, addr, data, r));
        return r;
    }

    public RegResp Read32(uint addr, out uint data)
    {
        RegResp r = DoRead(addr, out data);
        Log.Add(new Access(false, addr, data, r));
        return r;
    }

    private RegResp DoWrite(uint addr, uint data)
    {
        if (FailAddresses.Contains(addr)) return RegResp.SlvErr;
        uint blk = addr & 0xFF00;
        if (_tables.TryGetValue(blk, out Table? t))
        {
            uint off = addr & 0xFF;
            if (off >= NezhaRegs.TBL_DATA && off < NezhaRegs.TBL_DATA + 64) { t.Data[(off - NezhaRegs.TBL_DATA) / 4] = data; return RegResp.Okay; }
            if (off == NezhaRegs.TBL_INDEX) { t.Index = data; return RegResp.Okay; }
            if (off == NezhaRegs.TBL_CMD) return Command(t, data);
            if (blk == NezhaRegs.ACL_TABLE_BASE && addr == NezhaRegs.ACL_TABLE_SET_SEL)
            {
                if (data >= Info.AclSets) return RegResp.SlvErr;
                _regs[addr] = data;
                return RegResp.Okay;
            }
            if (addr == NezhaRegs.ACL_TABLE_SET_COUNT)
            {
                if (data > Info.AclRules) return RegResp.SlvErr;
                AclCounts[_regs.GetValueOrDefault(NezhaRegs.ACL_TABLE_SET_SEL)] = data;
                return RegResp.Okay;
            }
            return RegResp.SlvErr;
        }
        bool ok = addr switch
        {
            NezhaRegs.CORE_SCRATCH or NezhaRegs.CONFIG_NIC_MAC_LO or NezhaRegs.CONFIG_VTEP_IP
                or NezhaRegs.CONFIG_NH_MAC_LO or NezhaRegs.CONFIG_GW_MAC_LO => true,
            NezhaRegs.CONFIG_NIC_MAC_HI or NezhaRegs.CONFIG_NH_MAC_HI or NezhaRegs.CONFIG_GW_MAC_HI => data <= 0xFFFF,
            NezhaRegs.CONFIG_MTU or NezhaRegs.CONFIG_VM_MTU => data >= 64 && data <= Info.MtuMax,
            NezhaRegs.CONFIG_IDLE_TIMEOUT or NezhaRegs.CONFIG_CLOSE_TIMEOUT => data < 32768,
            NezhaRegs.CONFIG_TICK_CYCLES => data <= 0xFF_FFFF,   // 0 = external tick
            NezhaRegs.VNIC_STATS_SEL => data < Info.NVnic,
            _ => false,
        };
        if (ok) _regs[addr] = data;
        return ok ? RegResp.Okay : RegResp.SlvErr;
    }

    private RegResp Command(Table t, uint cmd)
    {
        if (cmd is not (1 or 2) || (cmd == 1 && !t.Writable)) { t.Status = (uint)TableStatus.BadCmd; return RegResp.SlvErr; }
        if (t.Index >= t.Entries.Length) { t.Status = (uint)TableStatus.BadIndex; return RegResp.SlvErr; }
        if (cmd == 1)
        {
            if (t.RejectValue?.Invoke(t.Data) == true) { t.Status = (uint)TableStatus.BadValue; return RegResp.SlvErr; }
            t.Data.CopyTo(t.Entries[t.Index], 0);
        }
        else t.Entries[t.Index].CopyTo(t.Data, 0);
        t.Status = (uint)TableStatus.Ok;
        return RegResp.Okay;
    }

    private RegResp DoRead(uint addr, out uint data)
    {
        data = 0;
        if (FailAddresses.Contains(addr)) return RegResp.SlvErr;
        uint blk = addr & 0xFF00;
        uint off = addr & 0xFF;
        if (_tables.TryGetValue(blk, out Table? t))
        {
            if (off >= NezhaRegs.TBL_DATA && off < NezhaRegs.TBL_DATA + 64) { data = t.Data[(off - NezhaRegs.TBL_DATA) / 4]; return RegResp.Okay; }
            if (off == NezhaRegs.TBL_INDEX) { data = t.Index; return RegResp.Okay; }
            if (off == NezhaRegs.TBL_STATUS) { data = t.Status; return RegResp.Okay; }
            if (off == NezhaRegs.TBL_ENTRIES) { data = (uint)t.Entries.Length; return RegResp.Okay; }
            if (addr == NezhaRegs.ACL_TABLE_SET_COUNT) { data = AclCounts[_regs.GetValueOrDefault(NezhaRegs.ACL_TABLE_SET_SEL)]; return RegResp.Okay; }
        }
        uint soff = addr - NezhaRegs.STATS_BASE;
        if (addr >= NezhaRegs.STATS_BASE && soff >= 0x10 && soff < 0x10 + 8 * NezhaRegs.STATS_COUNT)
        {
            ulong v = Counters[(soff - 0x10) / 8];
            if ((soff & 4) == 0) { data = (uint)v; _hiLatch = (uint)(v >> 32); } else data = _hiLatch;
            return RegResp.Okay;
        }
        if (blk == NezhaRegs.VNIC_STATS_BASE && off >= 0x10 && off < 0x40)
        {
            int sel = (int)_regs.GetValueOrDefault(NezhaRegs.VNIC_STATS_SEL);
            ulong v = VnicCounters.TryGetValue(sel, out ulong[]? c) ? c[(off - 0x10) / 8] : 0;
            if ((off & 4) == 0) { data = (uint)v; _hiLatch = (uint)(v >> 32); } else data = _hiLatch;
            return RegResp.Okay;
        }
        if (_regs.TryGetValue(addr, out data)) return RegResp.Okay;
        data = 0;
        return blk <= _lastBlock ? RegResp.Okay : RegResp.SlvErr;
    }
}
