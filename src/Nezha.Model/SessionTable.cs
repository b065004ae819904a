using Nezha.Common;
using Nezha.Common.Registers;

namespace Nezha.Verify.Model;

/// <summary>
/// Two-bank cuckoo session table (datapath-spec 4.6): lookup, deterministic insert with the 16-bit Galois
/// LFSR displacement walk (full entries displace full ones, compact entries compact ones), delete, aging sweep
/// and read-back.
/// <para>
/// Every way of a bucket is a word of two halves. A word holds one full entry (at half 0) or, with its PAIR
/// flag, up to two compact entries. Word index = bank&lt;&lt;(SESS_LOG2+log2 WAYS) | bucket&lt;&lt;log2 WAYS | way;
/// slot index = half * words + word index (the SESSION register INDEX). Slot half 1 of a word without PAIR is
/// never valid (kept so: every write that clears PAIR clears it). Updates the SESS_* counters itself.
/// </para>
/// </summary>
internal sealed class SessionTable
{
    public const ushort LfsrReset = 0xACE1;

    private readonly ModelSessionEntry[] _slots;
    private readonly bool[] _pair;
    private readonly NicParams _p;
    private readonly Counters _c;
    private readonly int _ways, _waysLog2, _bankShift, _words;
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
        _words = p.SessCapacity;
        _slots = new ModelSessionEntry[2 * _words];
        _pair = new bool[_words];
        _path = new int[p.MaxKicks + 1];
        Lfsr = LfsrReset;
    }

    public ushort Lfsr { get; private set; }
    /// <summary>Slots (2 per word): the SESSION register ENTRIES.</summary>
    public int Slots => _slots.Length;
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

    private bool Live(int slot, ushort now, int idleTo, int closeTo) => IsLive(_slots[slot], now, idleTo, closeTo);

    /// <summary>Neither slot of word <paramref name="w"/> is live.</summary>
    private bool Empty(int w, ushort now, int idleTo, int closeTo) =>
        !Live(w, now, idleTo, closeTo) && !Live(w + _words, now, idleTo, closeTo);

    /// <summary>
    /// First live entry with an equal key: words of the bank-0 bucket (half 0, then half 1 of each), then of the
    /// bank-1 bucket. -1 on miss.
    /// </summary>
    public int Lookup(in ModelFlowKey key, uint hash, ushort now, int idleTo, int closeTo)
    {
        for (int bank = 0; bank < 2; bank++)
        {
            int b = Slot(bank, Bucket(hash, bank), 0);
            for (int w = 0; w < _ways; w++)
                for (int s = b + w; s < _slots.Length; s += _words)
                {
                    ref readonly var e = ref _slots[s];
                    if (IsLive(e, now, idleTo, closeTo) && e.Key == key) return s;
                }
        }
        return -1;
    }

    private int FirstEmpty(int bank, int bucket, ushort now, int idleTo, int closeTo)
    {
        int b = Slot(bank, bucket, 0);
        for (int w = 0; w < _ways; w++)
            if (Empty(b + w, now, idleTo, closeTo)) return b + w;
        return -1;
    }

    private int EmptyCount(int bank, int bucket, ushort now, int idleTo, int closeTo)
    {
        int b = Slot(bank, bucket, 0), n = 0;
        for (int w = 0; w < _ways; w++)
            if (Empty(b + w, now, idleTo, closeTo)) n++;
        return n;
    }

    /// <summary>Halves a compact entry could take in a bucket: 2 per empty word, 1 per PAIR word with one live slot.</summary>
    private int FreeHalves(int bank, int bucket, ushort now, int idleTo, int closeTo)
    {
        int b = Slot(bank, bucket, 0), n = 0;
        for (int w = b; w < b + _ways; w++)
        {
            bool l0 = Live(w, now, idleTo, closeTo), l1 = Live(w + _words, now, idleTo, closeTo);
            n += !l0 && !l1 ? 2 : _pair[w] && l0 != l1 ? 1 : 0;
        }
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
    /// Insert of <paramref name="ne"/> (Valid set, Hash filled; <see cref="ModelSessionEntry.Compact"/> selects the
    /// kind). Counts SESS_INSERTS, SESS_KICKS and SESS_OCCUPANCY / SESS_AGED on success, SESS_INSERT_FAIL on failure
    /// (table unchanged except the LFSR).
    /// <para>
    /// Full: an empty word of the bucket with more empty words (bank 0 on a tie). Compact: the bucket with more
    /// free halves (2 per empty word, 1 per PAIR word with one live slot; bank 0 on a tie), in it the free half of
    /// the first PAIR word with one, else half 0 of the first empty word. No room in either bucket: the
    /// displacement walk. Each step draws a way (LFSR bits 0..log2 W-1) and, for a compact insert, a half (the
    /// next LFSR bit) of the current bucket; an entry of the other kind, or a slot already on the path, is not
    /// moved (the step is spent). A full walk ends at an empty word of the victim's other bucket, a compact walk
    /// at room for a compact entry there (same order as above, within that one bucket).
    /// </para>
    /// </summary>
    public bool Insert(in ModelSessionEntry entry, ushort now, int idleTo, int closeTo)
    {
        var ne = entry;
        bool compact = ne.Compact;
        if (compact) ne.Act0 = ne.Act1 = default;     // a compact entry stores no actions
        uint h = ne.Hash;
        int b0 = Bucket(h, 0), b1 = Bucket(h, 1);
        int room;
        if (compact)
        {
            int f0 = FreeHalves(0, b0, now, idleTo, closeTo), f1 = FreeHalves(1, b1, now, idleTo, closeTo);
            room = f0 == 0 && f1 == 0 ? -1
                 : f0 > 0 && f0 >= f1 ? CompactRoom(0, b0, now, idleTo, closeTo) : CompactRoom(1, b1, now, idleTo, closeTo);
        }
        else
        {
            int n0 = EmptyCount(0, b0, now, idleTo, closeTo), n1 = EmptyCount(1, b1, now, idleTo, closeTo);
            room = n0 > 0 && n0 >= n1 ? FirstEmpty(0, b0, now, idleTo, closeTo)
                 : n1 > 0 ? FirstEmpty(1, b1, now, idleTo, closeTo) : -1;
        }
        if (room >= 0)
        {
            Place(room, ne, now, idleTo, closeTo);
            _c.Inc(StatIndex.SessInserts);
            return true;
        }

        int len = 0, bank = 0, bucket = b0;
        for (int k = 0; k < _p.MaxKicks; k++)
        {
            int r = StepLfsr();
            int w = Slot(bank, bucket, r & (_ways - 1));
            int loc = compact && ((r >> _waysLog2) & 1) != 0 ? w + _words : w;
            bool skip = _pair[w] != compact;
            for (int i = 0; i < len; i++)
                skip |= _path[i] == loc;
            if (skip) continue;     // an entry of the other kind or a slot already on the path: nothing moves
            _path[len++] = loc;
            bank = 1 - bank;
            bucket = Bucket(_slots[loc].Hash, bank);
            int end = compact ? CompactRoom(bank, bucket, now, idleTo, closeTo) : FirstEmpty(bank, bucket, now, idleTo, closeTo);
            if (end >= 0)
            {
                Place(end, _slots[_path[len - 1]], now, idleTo, closeTo);
                for (int i = len - 1; i >= 1; i--)
                    _slots[_path[i]] = _slots[_path[i - 1]];
                _slots[_path[0]] = ne;
                _c.Inc(StatIndex.SessInserts);
                _c.Inc(StatIndex.SessKicks, (ulong)len);
                return true;
            }
        }
        _c.Inc(StatIndex.SessInsertFail);
        return false;
    }

    /// <summary>
    /// Slot a compact entry takes in a bucket: the free half of its first PAIR word with one live slot, else half
    /// 0 of its first empty word; -1 if neither.
    /// </summary>
    private int CompactRoom(int bank, int bucket, ushort now, int idleTo, int closeTo)
    {
        int b = Slot(bank, bucket, 0);
        for (int w = b; w < b + _ways; w++)
        {
            bool l0 = Live(w, now, idleTo, closeTo), l1 = Live(w + _words, now, idleTo, closeTo);
            if (_pair[w] && l0 != l1) return l0 ? w + _words : w;
        }
        return FirstEmpty(bank, bucket, now, idleTo, closeTo);
    }

    /// <summary>
    /// Writes <paramref name="e"/> at the free slot <paramref name="slot"/>: the free half of a PAIR word whose other
    /// half is live (a valid expired entry there counts SESS_AGED, else OCCUPANCY + 1), or half 0 of an empty word
    /// (<see cref="TakeWord"/>).
    /// </summary>
    private void Place(int slot, in ModelSessionEntry e, ushort now, int idleTo, int closeTo)
    {
        int w = slot % _words;
        int other = slot == w ? w + _words : w;
        if (_pair[w] && Live(other, now, idleTo, closeTo))
        {
            if (_slots[slot].Valid) _c.Inc(StatIndex.SessAged); else _c.Inc(StatIndex.SessOccupancy);
            _slots[slot] = e;
            return;
        }
        TakeWord(w, e);
    }

    /// <summary>
    /// Writes <paramref name="e"/> into half 0 of the empty word <paramref name="w"/> and clears its half 1 (a full
    /// entry clears PAIR, a compact one sets it). Every valid (expired) slot of the word counts SESS_AGED, the rest
    /// of the +1 goes to OCCUPANCY.
    /// </summary>
    private void TakeWord(int w, in ModelSessionEntry e)
    {
        int aged = (_slots[w].Valid ? 1 : 0) + (_slots[w + _words].Valid ? 1 : 0);
        _c.Inc(StatIndex.SessAged, (ulong)aged);
        if (aged == 0) _c.Inc(StatIndex.SessOccupancy);
        else if (aged == 2) _c.Dec(StatIndex.SessOccupancy);
        _slots[w] = e;
        _slots[w + _words].Valid = false;
        _pair[w] = e.Compact;
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

    /// <summary>SESSION read-back of a slot. An invalid slot reads VALID 0 (its other bits are not specified).</summary>
    public TableStatus Read(uint index, Span<uint> d)
    {
        if (index >= (uint)_slots.Length) return TableStatus.BadIndex;
        _slots[index].Encode(d);
        return TableStatus.Ok;
    }
}
