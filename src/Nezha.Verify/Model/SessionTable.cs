using Nezha.Driver.Registers;

namespace Nezha.Verify.Model;

/// <summary>
/// Two-bank cuckoo session table (datapath-spec 4.6): lookup, deterministic insert with the 16-bit Galois
/// LFSR displacement walk, delete, aging sweep and read-back. Slot index = bank&lt;&lt;(SESS_LOG2+log2 WAYS) |
/// bucket&lt;&lt;log2 WAYS | way (the SESSION register INDEX). Updates the SESS_* counters itself.
/// </summary>
internal sealed class SessionTable
{
    public const ushort LfsrReset = 0xACE1;

    private readonly ModelSessionEntry[] _slots;
    private readonly NicParams _p;
    private readonly Counters _c;
    private readonly int _ways, _waysLog2, _bankShift;
    private readonly uint _bucketMask;
    // Scratch for the displacement walk (no per-insert allocation).
    private readonly int[] _path;

    public SessionTable(NicParams p, Counters c)
    {
        _p = p;
        _c = c;
        _ways = p.SessWays;
        _waysLog2 = p.SessWaysLog2;
        _bankShift = p.SessLog2 + _waysLog2;
        _bucketMask = (uint)(p.SessBuckets - 1);
        _slots = new ModelSessionEntry[p.SessCapacity];
        _path = new int[p.MaxKicks + 1];
        Lfsr = LfsrReset;
    }

    public ushort Lfsr { get; private set; }
    public int Capacity => _slots.Length;
    public ref ModelSessionEntry this[int slot] => ref _slots[slot];

    public int Bucket(uint hash, int bank) => (int)((bank == 0 ? hash : hash >> 16) & _bucketMask);
    public int Slot(int bank, int bucket, int way) => (bank << _bankShift) | (bucket << _waysLog2) | way;

    public static bool IsExpired(in ModelSessionEntry e, ushort now, int idleTo, int closeTo)
    {
        int timeout = e.Fin0 && e.Fin1 ? closeTo : idleTo;
        return (ushort)(now - e.Ts) > timeout;
    }

    public static bool IsLive(in ModelSessionEntry e, ushort now, int idleTo, int closeTo)
        => e.Valid && !IsExpired(e, now, idleTo, closeTo);

    /// <summary>First live entry with an equal key: ways of the bank-0 bucket, then of the bank-1 bucket. -1 on miss.</summary>
    public int Lookup(in ModelFlowKey key, uint hash, ushort now, int idleTo, int closeTo)
    {
        for (int bank = 0; bank < 2; bank++)
        {
            int b = Slot(bank, Bucket(hash, bank), 0);
            for (int w = 0; w < _ways; w++)
            {
                ref readonly var e = ref _slots[b + w];
                if (IsLive(e, now, idleTo, closeTo) && e.Key == key) return b + w;
            }
        }
        return -1;
    }

    private int FirstFree(int bank, int bucket, ushort now, int idleTo, int closeTo)
    {
        int b = Slot(bank, bucket, 0);
        for (int w = 0; w < _ways; w++)
            if (!IsLive(_slots[b + w], now, idleTo, closeTo)) return b + w;
        return -1;
    }

    private int FreeCount(int bank, int bucket, ushort now, int idleTo, int closeTo)
    {
        int b = Slot(bank, bucket, 0), n = 0;
        for (int w = 0; w < _ways; w++)
            if (!IsLive(_slots[b + w], now, idleTo, closeTo)) n++;
        return n;
    }

    private ushort StepLfsr()
    {
        int x = Lfsr;
        x = (x >> 1) ^ ((x & 1) != 0 ? 0xB400 : 0);
        Lfsr = (ushort)x;
        return Lfsr;
    }

    /// <summary>
    /// Cuckoo insert of <paramref name="ne"/> (Valid set, Hash filled). Counts SESS_INSERTS, SESS_KICKS and
    /// SESS_OCCUPANCY or SESS_AGED on success, SESS_INSERT_FAIL on failure (table unchanged except the LFSR).
    /// </summary>
    public bool Insert(in ModelSessionEntry ne, ushort now, int idleTo, int closeTo)
    {
        uint h = ne.Hash;
        int b0 = Bucket(h, 0), b1 = Bucket(h, 1);
        // the bucket with more free ways takes the entry (bank 0 on a tie), at its first free way
        int n0 = FreeCount(0, b0, now, idleTo, closeTo), n1 = FreeCount(1, b1, now, idleTo, closeTo);
        int free = n0 > 0 && n0 >= n1 ? FirstFree(0, b0, now, idleTo, closeTo)
                 : n1 > 0 ? FirstFree(1, b1, now, idleTo, closeTo) : -1;
        if (free >= 0)
        {
            Place(free, ne);
            _c.Inc(StatIndex.SessInserts);
            return true;
        }

        int len = 0, bank = 0, bucket = b0;
        for (int k = 0; k < _p.MaxKicks; k++)
        {
            int way = StepLfsr() & (_ways - 1);
            int loc = Slot(bank, bucket, way);
            bool repeated = false;
            for (int i = 0; i < len; i++)
                repeated |= _path[i] == loc;
            if (repeated) continue;     // a step that draws a location already on the path moves nothing
            _path[len++] = loc;
            uint vh = _slots[loc].Hash;
            bank = 1 - bank;
            bucket = Bucket(vh, bank);
            int f = FirstFree(bank, bucket, now, idleTo, closeTo);
            if (f >= 0)
            {
                _path[len++] = f;
                // The final slot is overwritten by the move: count it like any free slot being taken.
                CountTake(f);
                for (int i = len - 1; i >= 1; i--)
                    _slots[_path[i]] = _slots[_path[i - 1]];
                _slots[_path[0]] = ne;
                _c.Inc(StatIndex.SessInserts);
                _c.Inc(StatIndex.SessKicks, (ulong)(len - 1));
                return true;
            }
        }
        _c.Inc(StatIndex.SessInsertFail);
        return false;
    }

    private void CountTake(int slot)
    {
        if (_slots[slot].Valid) _c.Inc(StatIndex.SessAged);   // an expired slot is reused
        else _c.Inc(StatIndex.SessOccupancy);
    }

    private void Place(int slot, in ModelSessionEntry ne)
    {
        CountTake(slot);
        _slots[slot] = ne;
    }

    /// <summary>Clears valid (other fields stay as raw slot content); OCCUPANCY -= 1. The caller counts SESS_CLOSED.</summary>
    public void Delete(int slot)
    {
        if (!_slots[slot].Valid) return;
        _slots[slot].Valid = false;
        _c.Dec(StatIndex.SessOccupancy);
    }

    /// <summary>A full sweeper pass at <paramref name="now"/>: clears valid on expired entries (SESS_AGED, OCCUPANCY).</summary>
    public int Sweep(ushort now, int idleTo, int closeTo)
    {
        int n = 0;
        for (int i = 0; i < _slots.Length; i++)
        {
            ref var e = ref _slots[i];
            if (e.Valid && IsExpired(e, now, idleTo, closeTo))
            {
                e.Valid = false;
                _c.Inc(StatIndex.SessAged);
                _c.Dec(StatIndex.SessOccupancy);
                n++;
            }
        }
        return n;
    }

    public int LiveCount(ushort now, int idleTo, int closeTo)
    {
        int n = 0;
        for (int i = 0; i < _slots.Length; i++)
            if (IsLive(_slots[i], now, idleTo, closeTo)) n++;
        return n;
    }

    public int ValidCount()
    {
        int n = 0;
        for (int i = 0; i < _slots.Length; i++)
            if (_slots[i].Valid) n++;
        return n;
    }

    public TableStatus Read(uint index, Span<uint> d)
    {
        if (index >= (uint)_slots.Length) return TableStatus.BadIndex;
        _slots[index].Encode(d);
        return TableStatus.Ok;
    }
}
