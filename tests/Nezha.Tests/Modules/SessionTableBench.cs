using System.Numerics;
using Nezha.Common;
using Nezha.Common.Registers;
using Nezha.Verify.Model;
using Nezha.Verify.ModuleBench;
using NUnit.Framework;

namespace Nezha.Tests.Modules;

/// <summary>
/// rtl/flow/session_table.v against the model's <see cref="SessionTable"/>, operation by operation, for both registered
/// sizes (session_table_s: 16 buckets x 2 ways x 2 banks, 16 kicks; session_table_m: 64 x 8 x 2, 64 kicks).
/// <para>
/// Every operation is issued only while op_ready is high and checked when it completes: lookups (hit/miss, lk_loc,
/// the whole 401-bit lk_entry, lk_hash = the model's CRC-32C), inserts (ins_ok, and through the event outputs the
/// exact SESS_INSERTS / INSERT_FAIL / AGED / KICKS deltas and the latency the header promises for the number of
/// displacements), updates and deletes (op_ready stays high, an operation in the very next cycle sees the new
/// data), read-backs (valid slots bit for bit, invalid slots only VALID), and full sweeper passes (sweep_allow held
/// for 2**SESS_LOG2 steps at a constant <c>now</c>, op_ready low exactly one cycle per step, lookups interleaved,
/// then the model's Sweep at the same <c>now</c>). The running sums of ev_insert, ev_insert_fail, ev_aged and
/// ev_kicks and the occupancy output are compared with the model's counters after every operation. While an
/// operation is in flight, random requests are put on the (ignored) request inputs.
/// </para>
/// <para>
/// Phases: reset (the table clears itself: op_ready low, every slot reads back invalid), a fill with fresh keys
/// at a frozen <c>now</c> up to the first insert failure and some inserts past it, then every inserted key is
/// looked up (must hit with exactly the inserted entry); a second reset; then a seeded random mix with small
/// timeouts, <c>now</c> wrapping through 0 and epochs where <c>now</c> stands still so the table fills up again.
/// </para>
/// </summary>
public class SessionTableBench
{
    [TestCase("session_table_s", 4, 2, 16, 5000, 4101)]
    [TestCase("session_table_m", 6, 8, 64, 5000, 4202)]
    public void AgreesWithTheModelOperationByOperation(string module, int log2, int ways, int kicks, int ops, int seed)
    {
        using var b = new Bench(module, NicParams.W64 with { SessLog2 = log2, SessWays = ways, MaxKicks = kicks }, seed);
        b.ResetAndCheckCleared();
        b.FillToFirstFailure(compactShare: 0);
        b.ResetAndCheckCleared();
        b.RandomMix(ops, compactShare: 0);
        TestContext.Progress.WriteLine(b.Summary());
    }

    /// <summary>
    /// The same checks with compact entries (one half of a word each): a fill with compact entries only, a fill
    /// with both kinds, then a random mix where each insert is compact with probability 1/2, so that words change
    /// between a full entry and a pair of compact ones, full walks draw PAIR words and compact walks full words,
    /// compact walks move compact entries half by half (ending in a free half or an empty word), and an empty word
    /// taken whole ages both of its expired halves at once.
    /// </summary>
    [TestCase("session_table_s", 4, 2, 16, 5000, 5101)]
    [TestCase("session_table_m", 6, 8, 64, 5000, 5202)]
    public void AgreesWithTheModelWithCompactEntries(string module, int log2, int ways, int kicks, int ops, int seed)
    {
        using var b = new Bench(module, NicParams.W64 with { SessLog2 = log2, SessWays = ways, MaxKicks = kicks }, seed);
        b.ResetAndCheckCleared();
        b.FillToFirstFailure(compactShare: 1);
        b.ResetAndCheckCleared();
        b.FillToFirstFailure(compactShare: 0.5);
        b.ResetAndCheckCleared();
        b.RandomMix(ops, compactShare: 0.5);
        TestContext.Progress.WriteLine(b.Summary());
        Assert.That(b.CompactWalks, Is.GreaterThan(0), "no compact insert displaced anything: the compact walk went unexercised");
    }

    private sealed class Bench : IDisposable
    {
        private readonly ModuleSim _m;
        private readonly NicParams _p;
        private readonly Random _rnd;
        private readonly string _name;
        private readonly int _cap, _slots, _depth, _locW, _maxKicks;
        private Counters _c;
        private SessionTable _t;
        private ushort _now;
        private int _idleTo = 1000, _closeTo = 1000;
        // running sums of the RTL event outputs since the last reset
        private ulong _sIns, _sFail, _sAged, _sKicks;
        private long _cycles;
        private readonly List<string> _log = new();
        private readonly List<ModelFlowKey> _pool = new();
        private readonly List<ModelFlowKey> _recent = new();     // keys inserted successfully (ring)
        private int _recentNext;

        // statistics for the report
        private int _nIns, _nInsOk, _nInsFail, _nInsWalk, _nLk, _nLkHit, _nUp, _nDel, _nRb, _nRbValid, _nRbInvalidExact;
        private int _nSweepPasses, _nSweepSteps, _nSweepLookups, _nJunk, _nDup, _nBackToBack, _nResets, _maxKicksSeen;
        private int _mixFails, _fillOk, _fillPastOk, _fillPastFail, _repeatSteps;
        private readonly List<string> _fills = new();
        private int _nInsCompact, _nLkCompact, _nInsWalkCompact;
        public int CompactWalks => _nInsWalkCompact;
        private bool _inSweep;
        private ulong _totIns, _totFail, _totAged, _totKicks;

        public Bench(string module, NicParams p, int seed)
        {
            _name = module;
            _m = new ModuleSim(module);
            _p = p;
            _rnd = new Random(seed);
            _cap = p.SessCapacity;
            _slots = p.SessSlots;
            _depth = p.SessBuckets;
            _locW = 2 + p.SessLog2 + p.SessWaysLog2;
            _maxKicks = p.MaxKicks;
            Assert.That(_m.Width("lk_loc"), Is.EqualTo(_locW));
            Assert.That(_m.Width("lk_entry"), Is.EqualTo(401));
            _c = new Counters(p.NVnic);
            _t = new SessionTable(p, _c);
        }

        public void Dispose() => _m.Dispose();

        // ------------------------------------------------------------------ encoding (rtl/include/nezha_types.vh)
        private static BigInteger KeyBits(in ModelFlowKey k) => RtlLayouts.KeyBits(k);

        private static BigInteger Enc(in ModelSessionEntry e) => RtlLayouts.EntryBits(e);

        private static string Hex(BigInteger v) => v.ToString("X102");

        // ------------------------------------------------------------------ stimulus
        private ModelFlowKey FreshKey()
        {
            uint vni = _rnd.Next(4) == 0 ? (uint)_rnd.Next(1, 4) : (uint)_rnd.Next(1 << 24);
            byte proto = (byte)(_rnd.Next(8) switch { 0 => 1, 1 => 47, < 5 => 6, _ => 17 });
            uint sip = (uint)_rnd.NextInt64(1L << 32), dip = (uint)_rnd.NextInt64(1L << 32);
            if (_rnd.Next(3) == 0) { sip = 0x0A000000u | (uint)_rnd.Next(256); dip = 0x0A000000u | (uint)_rnd.Next(256); }
            ushort sp = (ushort)_rnd.Next(65536), dp = (ushort)_rnd.Next(65536);
            if (proto is 47) sp = dp = 0;
            return ModelFlowKey.Make(vni, proto, sip, sp, dip, dp, out _);
        }

        private BigInteger RandomBits(int width)
        {
            var b = new byte[(width + 7) / 8 + 1];
            _rnd.NextBytes(b);
            b[^1] = 0;
            return new BigInteger(b, isUnsigned: true) & ((BigInteger.One << width) - 1);
        }

        // ------------------------------------------------------------------ clocking
        private void Note(string s)
        {
            _log.Add($"[cyc {_cycles} now {_now}] {s}");
            if (_log.Count > 24) _log.RemoveAt(0);
        }

        private string Ctx(string what) => $"{_name}: {what}\nrecent operations:\n  " + string.Join("\n  ", _log);

        private void SetNow(ushort now)
        {
            _now = now;
            _m.Set("now", now);
        }

        private void SetCfg(int idle, int close)
        {
            _idleTo = idle;
            _closeTo = close;
            _m.Set("cfg_idle_to", (ulong)idle);
            _m.Set("cfg_close_to", (ulong)close);
        }

        private void ClearRequests()
        {
            _m.Set("lk_valid", 0); _m.Set("ins_valid", 0); _m.Set("up_valid", 0); _m.Set("del_valid", 0); _m.Set("rb_valid", 0);
        }

        /// <summary>A random request on one of the request inputs (must be ignored: op_ready is low).</summary>
        private void Junk()
        {
            _nJunk++;
            switch (_rnd.Next(5))
            {
                case 0: _m.SetBig("lk_key", SessionBits.Key(_pool.Count > 0 ? _pool[_rnd.Next(_pool.Count)] : FreshKey())); _m.Set("lk_valid", 1); break;
                case 1: _m.SetBig("ins_entry", RandomBits(401)); _m.Set("ins_compact", (ulong)_rnd.Next(2)); _m.Set("ins_valid", 1); break;
                case 2: _m.Set("up_loc", (ulong)_rnd.Next(_slots)); _m.SetBig("up_entry", RandomBits(401)); _m.Set("up_compact", (ulong)_rnd.Next(2)); _m.Set("up_valid", 1); break;
                case 3: _m.Set("del_loc", (ulong)_rnd.Next(_slots)); _m.Set("del_valid", 1); break;
                default: _m.Set("rb_loc", (ulong)_rnd.Next(_slots)); _m.Set("rb_valid", 1); break;
            }
        }

        private void Tick(bool junkIfBusy = false)
        {
            bool junk = junkIfBusy && !_m.GetBool("op_ready") && _rnd.Next(3) == 0;
            if (junk) Junk();
            _m.Tick();
            _cycles++;
            if (junk) ClearRequests();
            _sIns += _m.Get("ev_insert");
            _sFail += _m.Get("ev_insert_fail");
            _sAged += _m.Get("ev_aged");
            _sKicks += _m.Get("ev_kicks");
        }

        private void CheckCounters(string what)
        {
            if (_inSweep) return;       // mid-pass the sweeper has aged part of the table; the model sweeps at the end
            Assert.That(_m.Get("occupancy"), Is.EqualTo(_c[StatIndex.SessOccupancy]), Ctx($"occupancy after {what}"));
            Assert.That(_sIns, Is.EqualTo(_c[StatIndex.SessInserts]), Ctx($"sum of ev_insert vs SESS_INSERTS after {what}"));
            Assert.That(_sFail, Is.EqualTo(_c[StatIndex.SessInsertFail]), Ctx($"sum of ev_insert_fail vs SESS_INSERT_FAIL after {what}"));
            Assert.That(_sAged, Is.EqualTo(_c[StatIndex.SessAged]), Ctx($"sum of ev_aged vs SESS_AGED after {what}"));
            Assert.That(_sKicks, Is.EqualTo(_c[StatIndex.SessKicks]), Ctx($"sum of ev_kicks vs SESS_KICKS after {what}"));
        }

        private void RequireReady(string what) =>
            Assert.That(_m.GetBool("op_ready"), Is.True, Ctx($"op_ready before {what}"));

        // ------------------------------------------------------------------ operations
        public void ResetAndCheckCleared()
        {
            _totIns += _sIns; _totFail += _sFail; _totAged += _sAged; _totKicks += _sKicks;
            ClearRequests();
            _m.Set("sweep_allow", 0);
            SetCfg(_idleTo, _closeTo);
            SetNow(_now);
            _m.Reset();
            _nResets++;
            _sIns = _sFail = _sAged = _sKicks = 0;
            _c = new Counters(_p.NVnic);
            _t = new SessionTable(_p, _c);
            Note("reset");
            int wait = 0;
            while (!_m.GetBool("op_ready"))
            {
                Tick(junkIfBusy: true);
                wait++;
                Assert.That(wait, Is.LessThanOrEqualTo(_depth + 4), Ctx("op_ready after reset"));
            }
            Assert.That(wait, Is.GreaterThanOrEqualTo(_depth), Ctx("the clear walk takes 2**SESS_LOG2 cycles"));
            Assert.That(_m.Get("occupancy"), Is.Zero);
            ReadBackAll(requireZero: true);
            CheckCounters("reset");
        }

        /// <summary>Lookup on both; returns the model's slot (-1 on a miss) after checking that they agree.</summary>
        private int Lookup(in ModelFlowKey key, string why)
        {
            RequireReady("lookup");
            _m.SetBig("lk_key", SessionBits.Key(key));
            _m.Set("lk_valid", 1);
            Tick();
            _m.Set("lk_valid", 0);
            int lat = 1;
            while (!_m.GetBool("lk_done"))
            {
                Tick(junkIfBusy: true);
                Assert.That(++lat, Is.LessThanOrEqualTo(8), Ctx("lk_done"));
            }
            _nLk++;
            uint h = key.Hash();
            int ms = _t.Lookup(key, h, _now, _idleTo, _closeTo);
            Note($"lookup ({why}) {key} H={h:X8} -> model {(ms < 0 ? "miss" : $"hit @{ms}")}");
            Assert.That(lat, Is.EqualTo(2), Ctx("lookup latency"));
            Assert.That(_m.GetBool("op_ready"), Is.True, Ctx("op_ready with lk_done"));
            Assert.That((uint)_m.Get("lk_hash"), Is.EqualTo(h), Ctx("lk_hash"));
            Assert.That(_m.GetBool("lk_hit"), Is.EqualTo(ms >= 0), Ctx($"lk_hit (rtl loc {_m.Get("lk_loc")})"));
            if (ms >= 0)
            {
                _nLkHit++;
                Assert.That((int)_m.Get("lk_loc"), Is.EqualTo(ms), Ctx("lk_loc"));
                Assert.That(SessionBits.Hex(_m.GetBig("lk_entry")), Is.EqualTo(SessionBits.Hex(SessionBits.Entry(_t[ms]))), Ctx("lk_entry"));
                Assert.That(_m.GetBool("lk_compact"), Is.EqualTo(_t[ms].Compact), Ctx("lk_compact"));
                if (_t[ms].Compact) _nLkCompact++;
            }
            else
            {
                Assert.That(_m.Get("lk_loc"), Is.Zero, Ctx("lk_loc on a miss"));
                Assert.That(_m.GetBig("lk_entry").IsZero, Is.True, Ctx("lk_entry on a miss"));
            }
            CheckCounters("lookup");
            return ms;
        }

        private bool Insert(ModelSessionEntry e, string why)
        {
            RequireReady("insert");
            e.Valid = true;
            e.Hash = e.Key.Hash();
            var bits = SessionBits.Entry(e);
            if (e.Compact) bits = SessionBits.Entry(e with { Compact = false });  // a compact insert's actions are not stored
            if (_rnd.Next(4) == 0) bits &= ~BigInteger.One;      // ins_entry bit 0 is ignored
            _m.SetBig("ins_entry", bits);
            _m.Set("ins_compact", e.Compact ? 1u : 0u);
            _m.Set("ins_valid", 1);
            Tick();
            _m.Set("ins_valid", 0);
            int lat = 1;
            while (!_m.GetBool("ins_done"))
            {
                Tick(junkIfBusy: true);
                Assert.That(++lat, Is.LessThanOrEqualTo(2 + 3 * _maxKicks + 8), Ctx("ins_done"));
            }
            ulong k0 = _c[StatIndex.SessKicks];
            ushort lfsr0 = _t.Lfsr;
            bool ok = _t.Insert(e, _now, _idleTo, _closeTo);
            int k = (int)(_c[StatIndex.SessKicks] - k0);
            _nIns++;
            if (ok) _nInsOk++; else _nInsFail++;
            if (e.Compact) _nInsCompact++;
            if (ok && k > 0) _nInsWalk++;
            if (ok && k > 0 && e.Compact) _nInsWalkCompact++;
            _maxKicksSeen = Math.Max(_maxKicksSeen, k);
            Note($"insert ({why}) {(e.Compact ? "compact " : "")}{e.Key} H={e.Hash:X8} ts={e.Ts} fin={(e.Fin0 ? 1 : 0)}{(e.Fin1 ? 1 : 0)} -> model {(ok ? "ok" : "FAIL")} kicks {k} lfsr {lfsr0:X4}->{_t.Lfsr:X4} lat {lat}");
            Assert.That(_m.GetBool("ins_ok"), Is.EqualTo(ok), Ctx("ins_ok"));
            Assert.That(_m.GetBool("op_ready"), Is.True, Ctx("op_ready with ins_done"));
            CheckCounters("insert");
            if (ok && k == 0) Assert.That(lat, Is.EqualTo(2), Ctx("insert latency without displacement"));
            else if (ok)
            {
                Assert.That(lat, Is.InRange(4 + 3 * k, 4 + 3 * k + (_maxKicks - k)), Ctx($"insert latency with {k} kicks"));
                _repeatSteps += lat - (4 + 3 * k);     // steps that drew a location already on the path
            }
            else Assert.That(lat, Is.LessThanOrEqualTo(2 + 2 * _maxKicks), Ctx("failed insert latency"));
            if (ok)
            {
                if (_recent.Count < 2 * _cap) _recent.Add(e.Key);
                else _recent[_recentNext++ % _recent.Count] = e.Key;
            }
            return ok;
        }

        /// <summary>A key for lookups, updates and deletes: mostly recently inserted ones, some from the pool.</summary>
        private ModelFlowKey SomeKey() =>
            _recent.Count > 0 && _rnd.Next(5) < 3 ? _recent[_rnd.Next(_recent.Count)] : _pool[_rnd.Next(_pool.Count)];

        private void Update(int slot, ModelSessionEntry e)
        {
            RequireReady("update");
            _m.Set("up_loc", (ulong)slot);
            // a compact update's actions are not stored: send random ones
            _m.SetBig("up_entry", e.Compact ? SessionBits.Entry(e with { Compact = false, Act0 = SessionBits.RandomAction(_rnd), Act1 = SessionBits.RandomAction(_rnd) }) : SessionBits.Entry(e));
            _m.Set("up_compact", e.Compact ? 1u : 0u);
            _m.Set("up_valid", 1);
            Tick();
            _m.Set("up_valid", 0);
            _t[slot] = e;
            _nUp++;
            Note($"update @{slot} ts={e.Ts} fin={(e.Fin0 ? 1 : 0)}{(e.Fin1 ? 1 : 0)}");
            Assert.That(_m.GetBool("op_ready"), Is.True, Ctx("op_ready stays high after an update"));
            CheckCounters("update");
        }

        private void Delete(int slot)
        {
            RequireReady("delete");
            _m.Set("del_loc", (ulong)slot);
            _m.Set("del_valid", 1);
            Tick();
            _m.Set("del_valid", 0);
            _t.Delete(slot);
            _nDel++;
            Note($"delete @{slot}");
            Assert.That(_m.GetBool("op_ready"), Is.True, Ctx("op_ready stays high after a delete"));
            CheckCounters("delete");
        }

        private void ReadBack(int slot, bool requireZero = false)
        {
            RequireReady("read-back");
            _m.Set("rb_loc", (ulong)slot);
            _m.Set("rb_valid", 1);
            Tick();
            _m.Set("rb_valid", 0);
            int lat = 1;
            while (!_m.GetBool("rb_done"))
            {
                Tick(junkIfBusy: true);
                Assert.That(++lat, Is.LessThanOrEqualTo(8), Ctx("rb_done"));
            }
            _nRb++;
            Assert.That(lat, Is.EqualTo(2), Ctx("read-back latency"));
            var rtl = _m.GetBig("rb_entry");
            var model = SessionBits.Entry(_t[slot]);
            if (requireZero) Assert.That(SessionBits.Hex(rtl), Is.EqualTo(SessionBits.Hex(BigInteger.Zero)), Ctx($"slot {slot} after the reset clear"));
            if (_t[slot].Valid)
            {
                _nRbValid++;
                Assert.That(SessionBits.Hex(rtl), Is.EqualTo(SessionBits.Hex(model)), Ctx($"read-back of valid slot {slot}"));
                Assert.That(_m.GetBool("rb_compact"), Is.EqualTo(_t[slot].Compact), Ctx($"rb_compact of valid slot {slot}"));
            }
            else
            {
                Assert.That(rtl.IsEven, Is.True, Ctx($"read-back VALID of invalid slot {slot}"));
                if (rtl == model) _nRbInvalidExact++;
            }
            CheckCounters("read-back");
        }

        private void ReadBackAll(bool requireZero = false)
        {
            for (int s = 0; s < _slots; s++) ReadBack(s, requireZero);
        }

        /// <summary>One full sweeper pass (2**SESS_LOG2 steps) at the current now, lookups interleaved; then the model's Sweep.</summary>
        private void SweepPass()
        {
            RequireReady("sweep");
            ulong aged0 = _sAged;
            _m.Set("sweep_allow", 1);
            _inSweep = true;
            int steps = 0, guard = 0;
            while (true)
            {
                bool ready = _m.GetBool("op_ready");
                if (ready && steps == _depth) break;
                Assert.That(++guard, Is.LessThan(20 * _depth + 100), Ctx("sweep pass does not finish"));
                if (ready && _pool.Count > 0 && _rnd.Next(6) == 0)
                {
                    _nSweepLookups++;
                    Lookup(_pool[_rnd.Next(_pool.Count)], "during a sweep");   // a request wins over a sweep step
                    continue;
                }
                Tick();
                if (ready)
                {
                    steps++;
                    Assert.That(_m.GetBool("op_ready"), Is.False, Ctx("op_ready low while a sweep step runs"));
                }
                else Assert.That(_m.GetBool("op_ready"), Is.True, Ctx("op_ready low for exactly one cycle per sweep step"));
            }
            _m.Set("sweep_allow", 0);
            _inSweep = false;
            int n = _t.Sweep(_now, _idleTo, _closeTo);
            _nSweepPasses++;
            _nSweepSteps += steps;
            Note($"sweep pass ({steps} steps) idle {_idleTo} close {_closeTo} -> model aged {n}, rtl aged {_sAged - aged0}");
            Assert.That(_sAged - aged0, Is.EqualTo((ulong)n), Ctx("entries aged by one sweeper pass"));
            CheckCounters("sweep pass");
        }

        // ------------------------------------------------------------------ phases
        public void FillToFirstFailure(double compactShare)
        {
            SetNow((ushort)_rnd.Next(65536));
            var inserted = new List<(ModelFlowKey Key, BigInteger Bits)>();
            double words = 0;
            while (true)
            {
                var key = FreshKey();
                var e = SessionBits.RandomEntry(_rnd, key, _now, compactShare);
                int occ = (int)_m.Get("occupancy");
                if (Insert(e, "fill")) { inserted.Add((key, SessionBits.Entry(e))); words += e.Compact ? 0.5 : 1; }
                else
                {
                    _fills.Add($"{compactShare:P0} compact: first failure at {occ} entries, {words / _cap:P1} of the words");
                    break;
                }
                Assert.That(words, Is.LessThanOrEqualTo(_cap), Ctx("more inserts succeeded than there is room"));
            }
            _fillOk = inserted.Count;
            Assert.That(_m.Get("occupancy"), Is.EqualTo((ulong)inserted.Count));
            // keep inserting past the first failure: later keys may still find room, existing ones must stay
            for (int i = 0; i < 3 * _p.SessWays + 10; i++)
            {
                var key = FreshKey();
                var e = SessionBits.RandomEntry(_rnd, key, _now, compactShare);
                if (Insert(e, "past the first failure")) { inserted.Add((key, SessionBits.Entry(e))); _fillPastOk++; }
                else _fillPastFail++;
            }
            Assert.That(_m.Get("occupancy"), Is.EqualTo((ulong)inserted.Count));
            // no entry lost: every inserted key hits, with exactly the entry that was inserted
            foreach (var (key, bits) in inserted)
            {
                int s = Lookup(key, "fill check");
                Assert.That(s, Is.GreaterThanOrEqualTo(0), Ctx($"inserted key {key} lost"));
                Assert.That(SessionBits.Hex(_m.GetBig("lk_entry")), Is.EqualTo(SessionBits.Hex(bits)), Ctx($"entry of {key} changed"));
            }
            Assert.That(_t.ValidCount(), Is.EqualTo(inserted.Count));
            ReadBackAll();
        }

        public void RandomMix(int ops, double compactShare)
        {
            _pool.Clear();
            _recent.Clear();
            for (int i = 0; i < _cap + _cap / 2; i++) _pool.Add(FreshKey());
            SetCfg(_rnd.Next(20, 90), _rnd.Next(3, 20));
            SetNow((ushort)(65536 - 2000 - _rnd.Next(500)));     // now wraps through 0 during the run
            double pAdvance = 0.4;
            int pIns = 36, epoch = Math.Max(500, _cap);
            for (int op = 0; op < ops; op++)
            {
                if (op % epoch == 0)
                {
                    // epochs: now frozen with mostly inserts (the table fills up, inserts walk and fail), slow, fast
                    int kind = op == 0 ? 1 : op == epoch ? 0 : _rnd.Next(4);   // the second epoch is always a frozen one
                    pAdvance = new[] { 0.0, 0.05, 0.2, 0.5 }[kind];
                    pIns = kind == 0 ? 65 : 36;
                    if (_rnd.Next(2) == 0) SetCfg(_rnd.Next(10, 120), _rnd.Next(2, 30));
                }
                if (_rnd.NextDouble() < pAdvance) SetNow((ushort)(_now + _rnd.Next(1, 4)));
                int r = _rnd.Next(100);
                if (r < pIns) r = 0;
                else r = 36 + (r - pIns) * 64 / (100 - pIns);   // the other operations keep their proportions
                if (r < 36)
                {
                    // insert a key that misses (a few duplicates of live keys too: lookup order picks the first)
                    ModelFlowKey key = _pool[_rnd.Next(_pool.Count)];
                    bool dup = _rnd.Next(40) == 0;
                    for (int tries = 0; !dup && tries < 8 && _t.Lookup(key, key.Hash(), _now, _idleTo, _closeTo) >= 0; tries++)
                        key = _pool[_rnd.Next(_pool.Count)];
                    if (!dup && (pAdvance == 0 && _rnd.Next(2) == 0 || _t.Lookup(key, key.Hash(), _now, _idleTo, _closeTo) >= 0))
                    {
                        key = FreshKey();       // frozen epochs bring new keys so that a big table fills up too
                        _pool.Add(key);
                    }
                    if (_t.Lookup(key, key.Hash(), _now, _idleTo, _closeTo) >= 0) _nDup++;
                    int age = _rnd.Next(10) switch { 0 => _rnd.Next(_idleTo + _closeTo + 8), 1 => _rnd.Next(65536), _ => 0 };
                    bool ok = Insert(SessionBits.RandomEntry(_rnd, key, (ushort)(_now - age), compactShare), "mix");
                    if (!ok) _mixFails++;
                }
                else if (r < 62)
                {
                    Lookup(_rnd.Next(10) == 0 ? FreshKey() : SomeKey(), "mix");
                }
                else if (r < 72)
                {
                    var key = SomeKey();
                    int s = Lookup(key, "before update");
                    if (s < 0) continue;
                    var e = _t[s];
                    e.Pkts++;
                    e.Bytes = (e.Bytes + (ulong)_rnd.Next(60, 9000)) & ModelSessionEntry.BytesMask;
                    e.Ts = _now;
                    if (_rnd.Next(3) == 0) e.SetFin(_rnd.Next(2));
                    if (_rnd.Next(3) == 0) e.Est = true;
                    if (!e.Compact && _rnd.Next(4) == 0) e.Act1 = SessionBits.RandomAction(_rnd);
                    Update(s, e);
                    if (_rnd.Next(2) == 0) { _nBackToBack++; Lookup(key, "right after the update"); }
                }
                else if (r < 79)
                {
                    var key = SomeKey();
                    int s = Lookup(key, "before delete");
                    if (s < 0) continue;
                    Delete(s);
                    if (_rnd.Next(2) == 0) { _nBackToBack++; Lookup(key, "right after the delete"); }
                }
                else if (r < 98)
                {
                    ReadBack(_rnd.Next(_cap));
                }
                else
                {
                    SweepPass();
                }
            }
            // final agreement: every slot, every pool key
            ReadBackAll();
            foreach (var key in _pool) Lookup(key, "final check");
            SweepPass();
            ReadBackAll();
            Assert.That((int)_m.Get("occupancy"), Is.EqualTo(_t.ValidCount()), Ctx("occupancy = valid slots of the model"));
        }

        public string Summary() =>
            $"{_name} (capacity {_cap}, {_depth} buckets x {_p.SessWays} ways x 2 banks, MAX_KICKS {_maxKicks}): " +
            $"{_cycles} cycles; fills: {string.Join("; ", _fills)}; last fill {_fillOk} entries, past it {_fillPastOk} ok / {_fillPastFail} failed; " +
            $"inserts {_nIns} (compact {_nInsCompact}, ok {_nInsOk}, with a walk {_nInsWalk} (compact {_nInsWalkCompact}), failed {_nInsFail}, of them in the mix {_mixFails}; duplicates {_nDup}; max kicks {_maxKicksSeen}); " +
            $"repeated walk steps {_repeatSteps}; lookups {_nLk} (hits {_nLkHit}, on compact entries {_nLkCompact}, back-to-back after update/delete {_nBackToBack}, during sweeps {_nSweepLookups}); updates {_nUp}; deletes {_nDel}; " +
            $"read-backs {_nRb} (valid {_nRbValid}, invalid and still bit-equal {_nRbInvalidExact}); sweep passes {_nSweepPasses} ({_nSweepSteps} steps); " +
            $"ignored requests while busy {_nJunk}; resets {_nResets}; events over the run: inserts {_totIns + _sIns}, fails {_totFail + _sFail}, " +
            $"aged {_totAged + _sAged}, kicks {_totKicks + _sKicks}; final occupancy {_m.Get("occupancy")}";
    }
}
