using Nezha.Common;
using Nezha.Common.Registers;

namespace Nezha.Verify.Model;

/// <summary>
/// The AXI4-Lite register map (docs/register-map.md): block headers, CORE, CONFIG, STATS, VNIC_STATS and the
/// seven indirect tables (OFFLOAD and FE_GROUP of docs/nezha-offload.md included), with the map's validation. A refused write answers SLVERR and changes nothing.
/// 64-bit counters share one latched HI shadow: reading any LO word latches its HI half, any HI word returns
/// the shadow. Time-dependent registers (CYCLES, TICK_NOW) read 0.
/// </summary>
internal sealed class RegisterFile
{
    public const uint Okay = 0;
    public const uint SlvErr = 2;

    private const uint TypeBase = 0x4E5A0000;
    private const int VnicStatsCount = 6;

    private readonly NicParams _p;
    private readonly ModelConfig _cfg;
    private readonly Counters _c;
    private readonly VnicTable _vnics;
    private readonly RouteTable _routes;
    private readonly MappingTable _map;
    private readonly AclTable _acl;
    private readonly SessionTable _sess;
    private readonly OffloadTable _offload;
    private readonly FeGroupTable _groups;

    // Indirect table front-ends, indexed by TableId.
    private const int Tables = 7;
    private readonly uint[] _index = new uint[Tables];
    private readonly TableStatus[] _status = new TableStatus[Tables];
    private readonly uint[][] _data = Enumerable.Range(0, Tables).Select(_ => new uint[16]).ToArray();

    private uint _hiShadow;
    private uint _vnicSel;
    private uint _aclSetSel;

    private enum TableId { Vnic = 0, Route = 1, Map = 2, Acl = 3, Session = 4, Offload = 5, FeGroup = 6 }

    public RegisterFile(NicParams p, ModelConfig cfg, Counters c, VnicTable vnics, RouteTable routes, MappingTable map,
                        AclTable acl, SessionTable sess, OffloadTable offload, FeGroupTable groups)
    {
        _p = p; _cfg = cfg; _c = c; _vnics = vnics; _routes = routes; _map = map; _acl = acl; _sess = sess;
        _offload = offload; _groups = groups;
    }

    // Block layout: (base, type index, next)
    private static readonly (uint Base, uint End, uint Next)[] Blocks =
    {
        (0x0000, 0x0100, 0x0100), // CORE
        (0x0100, 0x0200, 0x0200), // CONFIG
        (0x0200, 0x0400, 0x0400), // STATS
        (0x0400, 0x0500, 0x0500), // VNIC_STATS
        (0x0500, 0x0600, 0x0600), // VNIC_TABLE
        (0x0600, 0x0700, 0x0700), // ROUTE_TABLE
        (0x0700, 0x0800, 0x0800), // MAP_TABLE
        (0x0800, 0x0900, 0x0900), // ACL_TABLE
        (0x0900, 0x0A00, 0x0A00), // SESSION
        (0x0A00, 0x0B00, 0x0B00), // OFFLOAD
        (0x0B00, 0x0C00, 0x0000), // FE_GROUP
    };

    private static int BlockOf(uint addr)
    {
        for (int i = 0; i < Blocks.Length; i++)
            if (addr >= Blocks[i].Base && addr < Blocks[i].End) return i;
        return -1;
    }

    private uint TableEntries(TableId t) => t switch
    {
        TableId.Vnic => (uint)_vnics.Count,
        TableId.Route => (uint)_routes.Count,
        TableId.Map => (uint)_map.Count,
        TableId.Acl => (uint)_acl.Count,
        TableId.Offload => (uint)_offload.Count,
        TableId.FeGroup => (uint)_groups.Count,
        _ => (uint)_sess.Slots,
    };

    // ------------------------------------------------------------------ read

    public uint Read(uint addr, out uint data)
    {
        data = 0;
        if (addr > 0xFFFF || (addr & 3) != 0) return SlvErr;
        int blk = BlockOf(addr);
        if (blk < 0) return SlvErr;
        uint off = addr - Blocks[blk].Base;
        switch (off)
        {
            case NezhaRegs.BLK_TYPE: data = TypeBase | (uint)(blk + 1); return Okay;
            case NezhaRegs.BLK_VERSION: data = NezhaRegs.VERSION; return Okay;
            case NezhaRegs.BLK_NEXT: data = Blocks[blk].Next; return Okay;
        }
        return blk switch
        {
            0 => ReadCore(off, out data),
            1 => ReadConfig(off, out data),
            2 => ReadStats(off, out data),
            3 => ReadVnicStats(off, out data),
            _ => ReadTable((TableId)(blk - 4), off, out data),
        };
    }

    private uint Lo(ulong v, out uint data)
    {
        data = (uint)v;
        _hiShadow = (uint)(v >> 32);
        return Okay;
    }

    private uint Hi(out uint data)
    {
        data = _hiShadow;
        return Okay;
    }

    private uint ReadCore(uint off, out uint data)
    {
        data = 0;
        switch (off)
        {
            case 0x0C: data = (uint)_p.DataW; break;
            case 0x10: data = (uint)_p.NVnic; break;
            case 0x14: data = (uint)_p.SessBuckets; break;
            case 0x18: data = (uint)_p.SessWays; break;
            case 0x1C: data = (uint)_p.AclSets; break;
            case 0x20: data = (uint)_p.AclRules; break;
            case 0x24: data = (uint)_p.Routes; break;
            case 0x28: data = (uint)_p.MapBuckets; break;
            case 0x2C: data = (uint)_p.MapWays; break;
            case 0x30: data = (uint)_p.HdrBytes; break;
            case 0x34: data = (uint)_p.MtuMax; break;
            case 0x38: data = _cfg.Scratch; break;
            case 0x3C: return Lo(0, out data);       // CYCLES_LO: time-dependent, modelled as 0
            case 0x40: return Hi(out data);          // CYCLES_HI: the shared shadow
            case 0x44: data = (uint)_p.MaxKicks; break;
            default: return SlvErr;
        }
        return Okay;
    }

    private uint ReadConfig(uint off, out uint data)
    {
        data = 0;
        switch (off)
        {
            case 0x0C: data = _cfg.NicMacLo; break;
            case 0x10: data = _cfg.NicMacHi; break;
            case 0x14: data = _cfg.VtepIp; break;
            case 0x18: data = _cfg.NhMacLo; break;
            case 0x1C: data = _cfg.NhMacHi; break;
            case 0x20: data = _cfg.GwMacLo; break;
            case 0x24: data = _cfg.GwMacHi; break;
            case 0x28: data = (uint)_cfg.Mtu; break;
            case 0x2C: data = (uint)_cfg.IdleTimeout; break;
            case 0x30: data = (uint)_cfg.CloseTimeout; break;
            case 0x34: data = _cfg.TickCycles; break;
            case 0x38: data = 0; break;              // TICK_NOW: time-dependent, modelled as 0
            case 0x3C: data = (uint)_cfg.VmMtu; break;
            default: return SlvErr;
        }
        return Okay;
    }

    private uint ReadStats(uint off, out uint data)
    {
        data = 0;
        if (off == 0x0C) { data = NezhaRegs.STATS_COUNT; return Okay; }
        if (off >= 0x10 && off < 0x10 + 8 * NezhaRegs.STATS_COUNT)
        {
            int i = (int)(off - 0x10) / 8;
            return (off & 4) == 0 ? Lo(_c[i], out data) : Hi(out data);
        }
        return SlvErr;
    }

    private uint ReadVnicStats(uint off, out uint data)
    {
        data = 0;
        if (off == 0x0C) { data = _vnicSel; return Okay; }
        if (off >= 0x10 && off < 0x10 + 8 * VnicStatsCount)
        {
            int n = (int)(off - 0x10) / 8;
            return (off & 4) == 0 ? Lo(_c.VnicStat((int)_vnicSel, n), out data) : Hi(out data);
        }
        return SlvErr;
    }

    private uint ReadTable(TableId t, uint off, out uint data)
    {
        data = 0;
        int ti = (int)t;
        switch (off)
        {
            case NezhaRegs.TBL_INDEX: data = _index[ti]; return Okay;
            case NezhaRegs.TBL_CMD: data = 0; return Okay;           // write-only: reads 0
            case NezhaRegs.TBL_STATUS: data = (uint)_status[ti]; return Okay;
            case NezhaRegs.TBL_ENTRIES: data = TableEntries(t); return Okay;
        }
        if (off >= NezhaRegs.TBL_DATA && off < NezhaRegs.TBL_DATA + 64)
        {
            data = _data[ti][(off - NezhaRegs.TBL_DATA) / 4];
            return Okay;
        }
        if (t == TableId.Acl && off == 0x60) { data = _aclSetSel; return Okay; }
        if (t == TableId.Acl && off == 0x64) { data = (uint)_acl.SetCount((int)_aclSetSel); return Okay; }
        if (t == TableId.FeGroup && off == 0x60) { data = _groups.ProbeInterval; return Okay; }
        if (t == TableId.FeGroup && off == 0x64) { data = _groups.ProbeTimeout; return Okay; }
        if (t == TableId.FeGroup && off == 0x68) { data = _groups.AliveAll(); return Okay; }
        return SlvErr;
    }

    // ----------------------------------------------------------------- write

    public uint Write(uint addr, uint data, uint wstrb)
    {
        if (addr > 0xFFFF || (addr & 3) != 0) return SlvErr;
        if (wstrb != 0xF) return SlvErr;
        int blk = BlockOf(addr);
        if (blk < 0) return SlvErr;
        uint off = addr - Blocks[blk].Base;
        if (off < 0x0C) return SlvErr;              // block header is read-only
        return blk switch
        {
            0 => WriteCore(off, data),
            1 => WriteConfig(off, data),
            2 => SlvErr,                            // STATS: all read-only
            3 => WriteVnicStats(off, data),
            _ => WriteTable((TableId)(blk - 4), off, data),
        };
    }

    private uint WriteCore(uint off, uint data)
    {
        if (off != 0x38) return SlvErr;
        _cfg.Scratch = data;
        return Okay;
    }

    private uint WriteConfig(uint off, uint data)
    {
        switch (off)
        {
            case 0x0C: _cfg.NicMacLo = data; return Okay;
            case 0x10: if ((data >> 16) != 0) return SlvErr; _cfg.NicMacHi = data; return Okay;
            case 0x14: _cfg.VtepIp = data; return Okay;
            case 0x18: _cfg.NhMacLo = data; return Okay;
            case 0x1C: if ((data >> 16) != 0) return SlvErr; _cfg.NhMacHi = data; return Okay;
            case 0x20: _cfg.GwMacLo = data; return Okay;
            case 0x24: if ((data >> 16) != 0) return SlvErr; _cfg.GwMacHi = data; return Okay;
            case 0x28: if (data < 64 || data > (uint)_p.MtuMax) return SlvErr; _cfg.Mtu = (int)data; return Okay;
            case 0x2C: if (data >= 32768) return SlvErr; _cfg.IdleTimeout = (int)data; return Okay;
            case 0x30: if (data >= 32768) return SlvErr; _cfg.CloseTimeout = (int)data; return Okay;
            case 0x34: if (data > 0xFFFFFF) return SlvErr; _cfg.TickCycles = data; return Okay;   // 0 = external tick
            case 0x3C: if (data < 64 || data > (uint)_p.MtuMax) return SlvErr; _cfg.VmMtu = (int)data; return Okay;
            default: return SlvErr;                 // TICK_NOW (ro) and unknown
        }
    }

    private uint WriteVnicStats(uint off, uint data)
    {
        if (off != 0x0C) return SlvErr;
        if (data >= (uint)_p.NVnic) return SlvErr;
        _vnicSel = data;
        return Okay;
    }

    private uint WriteTable(TableId t, uint off, uint data)
    {
        int ti = (int)t;
        switch (off)
        {
            case NezhaRegs.TBL_INDEX: _index[ti] = data; return Okay;
            case NezhaRegs.TBL_CMD: return Command(t, data);
            case NezhaRegs.TBL_STATUS:
            case NezhaRegs.TBL_ENTRIES: return SlvErr;
        }
        if (off >= NezhaRegs.TBL_DATA && off < NezhaRegs.TBL_DATA + 64)
        {
            _data[ti][(off - NezhaRegs.TBL_DATA) / 4] = data;
            return Okay;
        }
        if (t == TableId.Acl && off == 0x60)
        {
            if (data >= (uint)_p.AclSets) return SlvErr;
            _aclSetSel = data;
            return Okay;
        }
        if (t == TableId.Acl && off == 0x64)
        {
            if (data > (uint)_p.AclRules) return SlvErr;
            _acl.SetSetCount((int)_aclSetSel, (int)data);
            return Okay;
        }
        if (t == TableId.FeGroup && (off == 0x60 || off == 0x64))
        {
            if (data > 0xFFFF) return SlvErr;
            if (off == 0x60) _groups.ProbeInterval = data; else _groups.ProbeTimeout = data;
            return Okay;
        }
        return SlvErr;                              // ALIVE_ALL (ro) and unknown
    }

    private uint Command(TableId t, uint cmd)
    {
        int ti = (int)t;
        uint index = _index[ti];
        var d = _data[ti];
        TableStatus st;
        if (cmd == 1 && t != TableId.Session)
        {
            st = t switch
            {
                TableId.Vnic => _vnics.Write(index, d),
                TableId.Route => _routes.Write(index, d),
                TableId.Map => _map.Write(index, d),
                TableId.Offload => _offload.Write(index, d),
                TableId.FeGroup => _groups.Write(index, d),
                _ => _acl.Write(index, d),
            };
        }
        else if (cmd == 2)
        {
            st = t switch
            {
                TableId.Vnic => _vnics.Read(index, d),
                TableId.Route => _routes.Read(index, d),
                TableId.Map => _map.Read(index, d),
                TableId.Acl => _acl.Read(index, d),
                TableId.Offload => _offload.Read(index, d),
                TableId.FeGroup => _groups.Read(index, d),
                _ => _sess.Read(index, d),
            };
        }
        else
        {
            st = TableStatus.BadCmd;
        }
        _status[ti] = st;
        return st == TableStatus.Ok ? Okay : SlvErr;
    }
}
