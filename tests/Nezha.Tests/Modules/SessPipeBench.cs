using System.Numerics;
using Nezha.Common;
using Nezha.Common.Registers;
using Nezha.Verify.Model;
using Nezha.Verify.ModuleBench;
using NUnit.Framework;

namespace Nezha.Tests.Modules;

/// <summary>
/// rtl/flow/sess_pipe.v (sess_pipe_s: 8 buckets x 2 ways x 2 banks, 16 kicks, 4 CAM entries with 2-bit counts;
/// sess_pipe_m: 16 x 8 x 2, 32 kicks, 8 CAM entries with 3-bit counts; both a forced sweep every 32 operations)
/// against the model's <see cref="SessionTable"/> and <see cref="PendingCamModel"/> executing the operations one
/// at a time in the order of the results.
/// <para>
/// Operations are offered one per cycle in bursts and with random gaps; each one accepted (op_valid &amp; op_ready)
/// is checked when its result comes out: LOOKUP, RELOOKUP and NOP exactly 8 cycles after acceptance and in accept
/// order; INSERT and READBACK at least 8 cycles after (they may wait in S1); only an INSERT may be reported after
/// operations accepted behind it (its second pass). Every result field is compared: hit, divert, full, spoof,
/// closed, the entry before the update (all 401 bits), its slot and kind, the CAM index; an INSERT's success,
/// displacements and slot; a READBACK's slot content; a SWEEP's bucket and aged count. The running sums of the
/// event outputs and the occupancy output are compared with the model's counters after every result.
/// </para>
/// <para>
/// Stimulus: keys from a small pool built in families of keys sharing a bucket, with a few hot keys, so that
/// several operations in flight hit one bucket and one slot: back-to-back hits on one entry (forwarding of the
/// update), RST deletes followed by lookups of the same key, an INSERT of a key right behind its RST delete,
/// lookups right behind the INSERT of their key, inserts waiting for deletes and updates in their buckets, compact
/// and full entries, walks and failed inserts in nearly full tables, sweeps (idle and forced) with a tick that
/// moves, the pending CAM (leaders, followers, full, releases) and read-backs of the whole table at random points.
/// The ticks obey the module's contract (op_now never decreases, sweep_now is the current tick) and so do the
/// inserts (a key is inserted only when it cannot be live at the insert).
/// </para>
/// </summary>
public class SessPipeBench
{
    [TestCase("sess_pipe_s", 3, 2, 16, 4, 2, 32, 30000, 9101)]
    [TestCase("sess_pipe_m", 4, 8, 32, 8, 3, 32, 30000, 9202)]
    public void AgreesWithTheModelOperationByOperation(string module, int log2, int ways, int kicks, int camQ, int camCntW,
                                                       int sweepEvery, int ops, int seed)
    {
        using var b = new Bench(module, new BenchCfg(log2, ways, kicks, camQ, camCntW, sweepEvery), seed);
        b.ResetAndCheckCleared();
        b.Fill(compactShare: 0.5);
        b.RandomMix(ops);
        b.Finish();
        TestContext.Progress.WriteLine(b.Summary());
        b.AssertCoverage();
    }

    /// <summary>
    /// 10 000 LOOKUP hits on one entry, one per cycle: op_ready never low, every result a hit whose entry counts
    /// every earlier update (the update of the operation just ahead is forwarded), and the entry read back at the
    /// end has pkts = its initial value + 10 000 and bytes = initial + the sum of the lengths. Then 5 000 more with
    /// sweeps enabled: op_ready is low only for the forced sweeps (2 cycles each, up to 8 when the sweep's bucket is
    /// the busy one).
    /// </summary>
    [TestCase("sess_pipe_s", 3, 2, 16, 4, 2, 32, false, 9301)]
    [TestCase("sess_pipe_m", 4, 8, 32, 8, 3, 32, true, 9302)]
    public void OneHitPerCycleOnOneSlot(string module, int log2, int ways, int kicks, int camQ, int camCntW, int sweepEvery,
                                        bool compact, int seed)
    {
        using var b = new Bench(module, new BenchCfg(log2, ways, kicks, camQ, camCntW, sweepEvery), seed);
        b.ResetAndCheckCleared();
        var (slot, e0) = b.InsertOne(compact);
        ulong bytes = e0.Bytes;
        int accepted = 0, low = 0;
        for (int i = 0; i < 10000; i++)
        {
            var op = b.HitOp(e0.Key);
            bytes += op.Len;
            Assert.That(b.Step(op), Is.True, $"op_ready low at hit {i}");
            accepted++;
        }
        b.WaitIdle();
        var e = b.ReadSlot(slot);
        Assert.That(e.Pkts, Is.EqualTo(unchecked(e0.Pkts + 10000u)), "pkts after 10 000 hits");
        Assert.That(e.Bytes, Is.EqualTo(bytes & ModelSessionEntry.BytesMask), "bytes after 10 000 hits");

        b.SetSweep(true);
        for (int i = 0; i < 5000; )
        {
            var op = b.HitOp(e0.Key);
            if (b.Step(op)) { i++; accepted++; }
            else low++;
        }
        b.WaitIdle();
        int bound = 8 * (5000 / sweepEvery + 1);
        TestContext.Progress.WriteLine($"{module}: {accepted} hits on one {(compact ? "compact" : "full")} entry; " +
                                       $"with sweeps: op_ready low {low} cycles for 5000 hits (bound {bound}); {b.Summary()}");
        Assert.That(low, Is.GreaterThan(0), "no forced sweep took a cycle");
        Assert.That(low, Is.LessThanOrEqualTo(bound), "cycles lost to forced sweeps");
    }

    internal sealed record BenchCfg(int Log2, int Ways, int Kicks, int CamQ, int CamCntW, int SweepEvery);

    private enum Kind { Nop = 0, Lookup = 1, Relookup = 2, Insert = 3, Readback = 4, Sweep = 5 }

    private sealed class Op
    {
        public Kind Kind;
        public ushort Tag;
        public ModelFlowKey Key;
        public ushort Now;
        public int Dir;
        public ushort Len;
        public bool Fin, Rst, Chk, Lead;
        public uint Rev;
        public ModelSessionEntry Entry;
        public int Loc;
        public long AcceptTick;
        public bool Overtaken;          // an operation accepted after it was reported before it
        public bool Keyed => Kind is Kind.Lookup or Kind.Relookup or Kind.Insert;
        public override string ToString() => Kind switch
        {
            Kind.Insert => $"#{Tag} INSERT {(Entry.Compact ? "compact " : "")}{Key} ts={Entry.Ts} fin={(Entry.Fin0 ? 1 : 0)}{(Entry.Fin1 ? 1 : 0)} now {Now}",
            Kind.Readback => $"#{Tag} READBACK {Loc}",
            Kind.Nop => $"#{Tag} NOP",
            _ => $"#{Tag} {Kind} {Key} dir {Dir} len {Len}{(Fin ? " FIN" : "")}{(Rst ? " RST" : "")}{(Chk ? $" chk {Rev:X8}" : "")}{(Lead ? " lead" : "")} now {Now}",
        };
    }

    private sealed class Bench : IDisposable
    {
        private const int Latency = 7;          // edges from the accepting edge to the one that shows the result
        private readonly ModuleSim _m;
        private readonly NicParams _p;
        private readonly BenchCfg _cfg;
        private readonly Random _rnd;
        private readonly string _name;
        private readonly int _slots, _words, _buckets;
        private Counters _c;
        private SessionTable _t;
        private PendingCamModel _cam;
        private ushort _tick;                   // the current tick (op_now, sweep_now)
        private int _idle = 60, _close = 10;
        private bool _sweepEn;
        private int _roomOdds = 12;             // slow_room low with probability 1/_roomOdds
        private readonly List<Op> _flight = new();
        private ushort _tagNext = 1;
        private long _ticks;
        private ulong _sIns, _sFail, _sAged, _sKicks;
        private readonly List<string> _log = new();
        private readonly List<ModelFlowKey> _pool = new();
        private readonly List<ModelFlowKey> _hot = new();
        // the keys written by the last 6 operations executed (for the coverage counts of forwarding)
        private readonly Queue<(ModelFlowKey Key, Kind Kind, bool Wrote, bool Rst)> _recent = new();

        // statistics
        private int _nLk, _nLkHit, _nFwdHit, _nFwdAfterRst, _nFwdAfterIns, _nFollow, _nLead, _nFull, _nSpoof, _nClosed;
        private int _nIns, _nInsOk, _nInsFail, _nInsWalk, _nInsWalkCompact, _nInsWaited, _nInsDeferred, _nInsAfterRst;
        private int _nRb, _nRbValid, _nSweep, _nSweepAged, _nOvertaken, _nRelookup, _nNop, _maxKicks, _fillAt;
        private long _readyLow;

        public Bench(string module, BenchCfg cfg, int seed)
        {
            _name = module;
            _cfg = cfg;
            _m = new ModuleSim(module);
            _p = NicParams.W64 with { SessLog2 = cfg.Log2, SessWays = cfg.Ways, MaxKicks = cfg.Kicks };
            _rnd = new Random(seed);
            _slots = _p.SessSlots;
            _words = _p.SessCapacity;
            _buckets = _p.SessBuckets;
            Assert.That(_m.Width("op_loc"), Is.EqualTo(2 + cfg.Log2 + _p.SessWaysLog2));
            Assert.That(_m.Width("res_entry"), Is.EqualTo(401));
            _c = new Counters(_p.NVnic);
            _t = new SessionTable(_p, _c);
            _cam = new PendingCamModel(cfg.CamQ, (1 << cfg.CamCntW) - 1);
            BuildPool();
        }

        public void Dispose() => _m.Dispose();

        // ------------------------------------------------------------------ keys
        private ModelFlowKey FreshKey()
        {
            uint vni = _rnd.Next(4) == 0 ? (uint)_rnd.Next(1, 4) : (uint)_rnd.Next(1 << 24);
            byte proto = (byte)(_rnd.Next(4) switch { 0 => 17, 1 => 1, _ => 6 });
            return ModelFlowKey.Make(vni, proto, (uint)_rnd.NextInt64(1L << 32), (ushort)_rnd.Next(65536),
                                     (uint)_rnd.NextInt64(1L << 32), (ushort)_rnd.Next(65536), out _);
        }

        /// <summary>Families of 3 keys with the same bank-0 bucket (and sometimes the same bank-1 bucket too).</summary>
        private void BuildPool()
        {
            int families = Math.Max(6, _words / 3);
            for (int f = 0; f < families; f++)
            {
                var k0 = FreshKey();
                uint h0 = k0.Hash();
                _pool.Add(k0);
                bool both = _rnd.Next(3) == 0;
                for (int n = 0; n < 2; n++)
                {
                    ModelFlowKey k;
                    uint mask = (uint)(_buckets - 1) | (both ? (uint)(_buckets - 1) << 16 : 0);
                    do k = FreshKey(); while ((k.Hash() & mask) != (h0 & mask));
                    _pool.Add(k);
                }
            }
            for (int i = 0; i < 4; i++) _hot.Add(_pool[_rnd.Next(_pool.Count)]);
        }

        private ModelFlowKey PickKey() => _rnd.Next(3) == 0 ? _hot[_rnd.Next(_hot.Count)] : _pool[_rnd.Next(_pool.Count)];

        private bool LiveNow(in ModelFlowKey k) => _t.Lookup(k, k.Hash(), _tick, _idle, _close) >= 0;

        /// <summary>
        /// The module's contract: one live entry per key. A key may be inserted when no INSERT of it is in flight and
        /// either no operation of it is in flight and it is not live in the table the results have built so far, or
        /// the newest one in flight is a RELOOKUP with RST and no spoof check (it deletes the entry or misses).
        /// </summary>
        private bool CanInsert(in ModelFlowKey k)
        {
            Op? last = null;
            foreach (var o in _flight)
            {
                if (!o.Keyed || o.Key != k) continue;
                if (o.Kind == Kind.Insert) return false;
                last = o;
            }
            return last is null ? !LiveNow(k) : last.Kind == Kind.Relookup && last.Rst && !last.Chk;
        }

        // ------------------------------------------------------------------ operations
        private Op NewOp(Kind k)
        {
            if (_tagNext == 0) _tagNext = 1;
            return new Op { Kind = k, Tag = _tagNext++, Now = _tick };
        }

        private Op LookupOp(Kind kind, in ModelFlowKey key)
        {
            var o = NewOp(kind);
            o.Key = key;
            o.Dir = _rnd.Next(2);
            o.Len = (ushort)_rnd.Next(40, 1600);
            o.Fin = _rnd.Next(12) == 0;
            o.Rst = _rnd.Next(14) == 0;
            o.Lead = _rnd.Next(5) < 3;
            o.Chk = _rnd.Next(10) < 3;
            int s = _t.Lookup(key, key.Hash(), _tick, _idle, _close);
            o.Rev = s >= 0 && _rnd.Next(4) != 0 ? _t[s].Act(1 - o.Dir).Vtep : (uint)_rnd.NextInt64(1L << 32);
            return o;
        }

        public Op HitOp(in ModelFlowKey key)
        {
            var o = NewOp(Kind.Lookup);
            o.Key = key;
            o.Dir = _rnd.Next(2);
            o.Len = (ushort)_rnd.Next(40, 9000);
            return o;
        }

        private Op InsertOp(double compactShare)
        {
            var o = NewOp(Kind.Insert);
            ModelFlowKey key = default;
            bool found = false;
            for (int tries = 0; tries < 12 && !found; tries++)
            {
                key = PickKey();
                found = CanInsert(key);
            }
            if (!found)
            {
                key = FreshKey();
                _pool.Add(key);
            }
            int age = _rnd.Next(10) switch { 0 => _rnd.Next(_idle + _close + 8), 1 => _rnd.Next(4), _ => 0 };
            o.Key = key;
            o.Entry = SessionBits.RandomEntry(_rnd, key, (ushort)(_tick - age), compactShare, closingOdds: 9, finOdds: 6);
            return o;
        }

        /// <summary>An INSERT of the key whose newest operation in flight is a RST delete (the insert racing its delete).</summary>
        private Op? InsertAfterRst(double compactShare)
        {
            for (int i = _flight.Count - 1; i >= 0; i--)
            {
                var f = _flight[i];
                if (f.Kind != Kind.Relookup || !f.Rst || f.Chk || !CanInsert(f.Key)) continue;
                var o = NewOp(Kind.Insert);
                o.Key = f.Key;
                o.Entry = SessionBits.RandomEntry(_rnd, f.Key, _tick, compactShare, closingOdds: 9, finOdds: 6);
                _nInsAfterRst++;
                return o;
            }
            return null;
        }

        private Op ReadbackOp(int slot)
        {
            var o = NewOp(Kind.Readback);
            o.Loc = slot;
            return o;
        }

        private void Drive(Op o)
        {
            _m.Set("op_valid", 1);
            _m.Set("op_kind", (ulong)o.Kind);
            _m.Set("op_tag", o.Tag);
            _m.Set("op_now", o.Now);
            switch (o.Kind)
            {
                case Kind.Lookup or Kind.Relookup:
                    _m.SetBig("op_key", SessionBits.Key(o.Key));
                    _m.Set("op_hash", o.Key.Hash());
                    _m.Set("op_dir", (ulong)o.Dir);
                    _m.Set("op_len", o.Len);
                    _m.Set("op_fin", o.Fin);
                    _m.Set("op_rst", o.Rst);
                    _m.Set("op_chk_rev", o.Chk);
                    _m.Set("op_rev_vtep", o.Rev);
                    _m.Set("op_lead", o.Lead);
                    break;
                case Kind.Insert:
                    var bits = SessionBits.Entry(o.Entry with { Compact = false });     // a compact entry's actions are sent, not stored
                    if (_rnd.Next(4) == 0) bits &= ~BigInteger.One;                     // bit 0 is ignored
                    _m.SetBig("op_entry", bits);
                    _m.Set("op_compact", o.Entry.Compact);
                    _m.Set("op_hash", o.Key.Hash());
                    _m.SetBig("op_key", SessionBits.Key(FreshKey()));                   // ignored: the entry's key counts
                    break;
                case Kind.Readback:
                    _m.Set("op_loc", (ulong)o.Loc);
                    break;
            }
        }

        // ------------------------------------------------------------------ clocking and checking
        private void Note(string s)
        {
            _log.Add($"[tick {_ticks} now {_tick}] {s}");
            if (_log.Count > 40) _log.RemoveAt(0);
        }

        private string Ctx(string what) =>
            $"{_name}: {what}\nin flight: {string.Join(", ", _flight)}\nrecent:\n  " + string.Join("\n  ", _log);

        public void SetSweep(bool on) => _sweepEn = on;

        /// <summary>One cycle, offering <paramref name="op"/> (if any); true if it was accepted.</summary>
        public bool Step(Op? op)
        {
            bool ready = _m.GetBool("op_ready");
            bool acc = op is not null && ready;
            if (acc) Drive(op!);
            else _m.Set("op_valid", 0);
            bool room = _rnd.Next(_roomOdds) != 0;
            _m.Set("slow_room", room);
            int rel = -1;
            if (_rnd.Next(4) == 0)
            {
                var inUse = _cam.InUse().ToList();
                if (inUse.Count > 0) rel = inUse[_rnd.Next(inUse.Count)];
            }
            _m.Set("cam_release_valid", rel >= 0);
            _m.Set("cam_release_idx", (ulong)Math.Max(rel, 0));
            _m.Set("sweep_en", _sweepEn);
            _m.Set("sweep_now", _tick);
            _m.Tick();
            _ticks++;
            if (!ready) _readyLow++;
            if (acc)
            {
                op!.AcceptTick = _ticks;
                _flight.Add(op);
            }
            _sIns += _m.Get("ev_insert");
            _sFail += _m.Get("ev_insert_fail");
            _sAged += _m.Get("ev_aged");
            _sKicks += _m.Get("ev_kicks");
            if (_m.GetBool("res_valid")) Process(room);
            if (rel >= 0) _cam.Release(rel);
            return acc;
        }

        /// <summary>Steps without operations (and without sweeps) until nothing is in flight and busy is low.</summary>
        public void WaitIdle()
        {
            int guard = 0;
            bool sweep = _sweepEn;
            _sweepEn = false;
            while (_m.GetBool("busy") || _flight.Count > 0)
            {
                Step(null);
                Assert.That(++guard, Is.LessThan(40 * (_cfg.Kicks + 8) + 200), Ctx("the pipeline does not drain"));
            }
            _sweepEn = sweep;
        }

        private void SetCfg(int idle, int close)
        {
            WaitIdle();
            _idle = idle;
            _close = close;
            _m.Set("cfg_idle_to", (ulong)idle);
            _m.Set("cfg_close_to", (ulong)close);
        }

        private void CheckCounters(string what)
        {
            Assert.That(_m.Get("occupancy"), Is.EqualTo(_c[StatIndex.SessOccupancy]), Ctx($"occupancy after {what}"));
            Assert.That(_sIns, Is.EqualTo(_c[StatIndex.SessInserts]), Ctx($"sum of ev_insert vs SESS_INSERTS after {what}"));
            Assert.That(_sFail, Is.EqualTo(_c[StatIndex.SessInsertFail]), Ctx($"sum of ev_insert_fail vs SESS_INSERT_FAIL after {what}"));
            Assert.That(_sAged, Is.EqualTo(_c[StatIndex.SessAged]), Ctx($"sum of ev_aged vs SESS_AGED after {what}"));
            Assert.That(_sKicks, Is.EqualTo(_c[StatIndex.SessKicks]), Ctx($"sum of ev_kicks vs SESS_KICKS after {what}"));
        }

        private void Remember(in ModelFlowKey key, Kind kind, bool wrote, bool rst)
        {
            _recent.Enqueue((key, kind, wrote, rst));
            if (_recent.Count > 6) _recent.Dequeue();
        }

        private void Process(bool room)
        {
            var kind = (Kind)_m.Get("res_kind");
            ushort now = (ushort)_m.Get("res_now");
            if (kind == Kind.Sweep)
            {
                ProcessSweep(now);
                return;
            }
            ushort tag = (ushort)_m.Get("res_tag");
            int i = _flight.FindIndex(o => o.Tag == tag);
            Assert.That(i, Is.GreaterThanOrEqualTo(0), Ctx($"result with unknown tag {tag} kind {kind}"));
            for (int k = 0; k < i; k++)
            {
                Assert.That(_flight[k].Kind, Is.EqualTo(Kind.Insert), Ctx($"result of {_flight[i]} before the earlier {_flight[k]}"));
                _flight[k].Overtaken = true;
            }
            if (i > 0) _nOvertaken++;
            var op = _flight[i];
            _flight.RemoveAt(i);
            Assert.That(kind, Is.EqualTo(op.Kind), Ctx($"res_kind of {op}"));
            long lat = _ticks - op.AcceptTick;
            if (op.Kind is Kind.Lookup or Kind.Relookup or Kind.Nop)
            {
                Assert.That(lat, Is.EqualTo(Latency), Ctx($"latency of {op}"));
                Assert.That(now, Is.EqualTo(op.Now), Ctx($"res_now of {op}"));
            }
            else Assert.That(lat, Is.GreaterThanOrEqualTo(Latency), Ctx($"latency of {op}"));
            switch (op.Kind)
            {
                case Kind.Lookup or Kind.Relookup: ProcessLookup(op, room); break;
                case Kind.Insert: ProcessInsert(op, now, lat); break;
                case Kind.Readback: ProcessReadback(op); break;
                default: _nNop++; Note($"{op} done"); break;
            }
            CheckCounters(op.ToString());
        }

        private void ProcessLookup(Op op, bool room)
        {
            int ms = _t.Lookup(op.Key, op.Key.Hash(), op.Now, _idle, _close);
            bool hit = ms >= 0;
            var pre = hit ? _t[ms] : default;
            var d = op.Kind == Kind.Lookup ? _cam.Decide(true, op.Key, true, !hit && op.Lead, room) : default;
            bool spoof = false, closed = false, wrote = false;
            if (hit && !d.Match)
            {
                spoof = op.Chk && !pre.Compact && !pre.Act(1 - op.Dir).IsEncapTo(op.Rev);
                if (!spoof)
                {
                    wrote = true;
                    if (op.Rst)
                    {
                        _t.Delete(ms);
                        closed = true;
                    }
                    else
                    {
                        var e = pre;
                        e.Pkts++;
                        e.Bytes = (e.Bytes + op.Len) & ModelSessionEntry.BytesMask;
                        e.Ts = op.Now;
                        if (op.Fin) e.SetFin(op.Dir);
                        if (op.Dir != (e.InitDir ? 1 : 0)) e.Est = true;
                        _t[ms] = e;
                    }
                }
            }
            Note($"{op} -> model {(hit ? $"hit @{ms}{(pre.Compact ? " compact" : "")}" : "miss")} {d}{(spoof ? " SPOOF" : "")}{(closed ? " closed" : "")} room {room}");
            string c = $"of {op}";
            Assert.That(_m.GetBool("res_hit"), Is.EqualTo(hit), Ctx($"res_hit {c} (rtl loc {_m.Get("res_loc")})"));
            Assert.That((int)_m.Get("res_loc"), Is.EqualTo(hit ? ms : 0), Ctx($"res_loc {c}"));
            Assert.That(SessionBits.Hex(_m.GetBig("res_entry")), Is.EqualTo(SessionBits.Hex(hit ? SessionBits.Entry(pre) : BigInteger.Zero)), Ctx($"res_entry {c}"));
            Assert.That(_m.GetBool("res_compact"), Is.EqualTo(hit && pre.Compact), Ctx($"res_compact {c}"));
            Assert.That(_m.GetBool("res_divert"), Is.EqualTo(d.Follow || d.Alloc), Ctx($"res_divert {c}"));
            Assert.That(_m.GetBool("res_full"), Is.EqualTo(d.Full), Ctx($"res_full {c}"));
            Assert.That((int)_m.Get("res_cam_idx"), Is.EqualTo(d.Idx), Ctx($"res_cam_idx {c}"));
            Assert.That(_m.GetBool("res_spoof"), Is.EqualTo(spoof), Ctx($"res_spoof {c}"));
            Assert.That(_m.GetBool("res_closed"), Is.EqualTo(closed), Ctx($"res_closed {c}"));
            if (op.Kind == Kind.Relookup) _nRelookup++;
            _nLk++;
            if (hit) _nLkHit++;
            if (d.Follow) _nFollow++;
            if (d.Alloc) _nLead++;
            if (d.Full) _nFull++;
            if (spoof) _nSpoof++;
            if (closed) _nClosed++;
            foreach (var r in _recent)
            {
                if (r.Key != op.Key || !r.Wrote) continue;
                if (r.Kind == Kind.Insert) _nFwdAfterIns++;
                else if (r.Rst) _nFwdAfterRst++;
                else if (hit) _nFwdHit++;
                break;
            }
            Remember(op.Key, op.Kind, wrote, op.Rst);
        }

        private void ProcessInsert(Op op, ushort now, long lat)
        {
            var e = op.Entry;
            ulong k0 = _c[StatIndex.SessKicks];
            ushort lfsr0 = _t.Lfsr;
            bool deferred = op.Overtaken || lat > Latency + 8;
            bool ok = _t.Insert(e, now, _idle, _close);
            int kicks = (int)(_c[StatIndex.SessKicks] - k0);
            Note($"{op} -> model {(ok ? "ok" : "FAIL")} kicks {kicks} lfsr {lfsr0:X4}->{_t.Lfsr:X4} at now {now} latency {lat}{(deferred ? " (second pass)" : "")}");
            Assert.That(_m.GetBool("res_ins_ok"), Is.EqualTo(ok), Ctx($"res_ins_ok of {op}"));
            Assert.That((int)_m.Get("res_kicks"), Is.EqualTo(kicks), Ctx($"res_kicks of {op}"));
            Assert.That(_m.GetBool("res_compact"), Is.EqualTo(e.Compact), Ctx($"res_compact of {op}"));
            if (ok)
            {
                var want = SessionBits.Entry(e);
                int loc = (int)_m.Get("res_loc");
                Assert.That(loc, Is.LessThan(_slots), Ctx("res_loc of an insert"));
                Assert.That(SessionBits.Hex(SessionBits.Entry(_t[loc])), Is.EqualTo(SessionBits.Hex(want)), Ctx($"the model's slot at res_loc {loc} after {op}"));
            }
            _nIns++;
            if (ok) _nInsOk++; else _nInsFail++;
            if (ok && kicks > 0) _nInsWalk++;
            if (ok && kicks > 0 && e.Compact) _nInsWalkCompact++;
            if (lat > Latency) _nInsWaited++;
            if (deferred) _nInsDeferred++;
            _maxKicks = Math.Max(_maxKicks, kicks);
            Remember(op.Key, Kind.Insert, ok, false);
        }

        private void ProcessReadback(Op op)
        {
            var rtl = _m.GetBig("res_entry");
            var e = _t[op.Loc];
            Note($"{op} -> model {(e.Valid ? "valid" : "invalid")}");
            Assert.That((int)_m.Get("res_loc"), Is.EqualTo(op.Loc), Ctx($"res_loc of {op}"));
            if (e.Valid)
            {
                _nRbValid++;
                Assert.That(SessionBits.Hex(rtl), Is.EqualTo(SessionBits.Hex(SessionBits.Entry(e))), Ctx($"read-back of valid slot {op.Loc}"));
                Assert.That(_m.GetBool("res_compact"), Is.EqualTo(e.Compact), Ctx($"res_compact of valid slot {op.Loc}"));
            }
            else Assert.That(rtl.IsEven, Is.True, Ctx($"read-back VALID of invalid slot {op.Loc}"));
            _nRb++;
        }

        /// <summary>The sweep of one bucket index in both banks: expired valid slots are cleared.</summary>
        private void ProcessSweep(ushort now)
        {
            int bucket = (int)(_m.Get("res_loc") >> _p.SessWaysLog2) & (_buckets - 1);
            Assert.That(_m.Get("res_loc") >> (_p.SessWaysLog2 + _cfg.Log2), Is.Zero, Ctx("res_loc of a sweep: bank and half 0"));
            int n = 0;
            for (int bank = 0; bank < 2; bank++)
                for (int way = 0; way < _cfg.Ways; way++)
                {
                    int w = _t.Slot(bank, bucket, way);
                    foreach (int s in new[] { w, w + _words })
                    {
                        ref var e = ref _t[s];
                        if (!e.Valid || !SessionTable.IsExpired(e, now, _idle, _close)) continue;
                        e.Valid = false;
                        _c.Inc(StatIndex.SessAged);
                        _c.Dec(StatIndex.SessOccupancy);
                        n++;
                    }
                }
            Note($"SWEEP bucket {bucket} at {now} -> model aged {n}");
            Assert.That((int)_m.Get("ev_aged"), Is.EqualTo(n), Ctx($"ev_aged of the sweep of bucket {bucket} at {now}"));
            _nSweep++;
            if (n > 0) _nSweepAged++;
            Remember(default, Kind.Sweep, false, false);
            CheckCounters("a sweep");
        }

        // ------------------------------------------------------------------ phases
        public void ResetAndCheckCleared()
        {
            _m.Set("op_valid", 0);
            _m.Set("sweep_en", 0);
            _m.Set("cam_release_valid", 0);
            _m.Set("cfg_idle_to", (ulong)_idle);
            _m.Set("cfg_close_to", (ulong)_close);
            _m.Reset();
            _flight.Clear();
            _sIns = _sFail = _sAged = _sKicks = 0;
            _c = new Counters(_p.NVnic);
            _t = new SessionTable(_p, _c);
            _cam = new PendingCamModel(_cfg.CamQ, (1 << _cfg.CamCntW) - 1);
            int wait = 0;
            while (!_m.GetBool("op_ready"))
            {
                Step(null);
                Assert.That(++wait, Is.LessThanOrEqualTo(_buckets + 4), Ctx("op_ready after reset"));
            }
            Assert.That(wait, Is.GreaterThanOrEqualTo(_buckets), Ctx("the reset clear takes 2**SESS_LOG2 cycles"));
            Assert.That(_m.Get("occupancy"), Is.Zero);
            for (int s = 0; s < _slots; s++)
                while (!Step(ReadbackOp(s))) { }
            WaitIdle();
        }

        /// <summary>Now frozen, mostly inserts of fresh keys in back-to-back bursts, until inserts fail.</summary>
        public void Fill(double compactShare)
        {
            _sweepEn = false;
            int fails = 0;
            Op? pending = null;
            for (int n = 0; fails < 20 && n < 40 * _words; n++)
            {
                if (pending is null)
                {
                    int r = _rnd.Next(10);
                    pending = r < 7 ? InsertOp(compactShare) : r < 9 ? LookupOp(Kind.Lookup, PickKey()) : LookupOp(Kind.Relookup, PickKey());
                    if (pending.Kind != Kind.Insert) pending.Lead = false;
                }
                if (Step(pending)) pending = null;
                fails = _nInsFail;
                if (_fillAt == 0 && fails > 0) _fillAt = (int)_m.Get("occupancy");
            }
            WaitIdle();
            ReadBackAll();
        }

        private void ReadBackAll()
        {
            for (int s = 0; s < _slots; s++)
                while (!Step(ReadbackOp(s))) { }
            WaitIdle();
        }

        public void RandomMix(int ops)
        {
            _m.Set("cfg_idle_to", (ulong)_idle);
            double compactShare = 0.5, pAdvance = 0.05;
            int pIns = 20, epochAt = 0, readAt = 4000;
            bool burst = true;
            Op? pending = null;
            for (int n = 0; n < ops; )
            {
                if (n >= epochAt && pending is null)
                {
                    epochAt += 1500;
                    if (_rnd.Next(2) == 0) SetCfg(_rnd.Next(20, 120), _rnd.Next(2, 30));
                    int k = _rnd.Next(4);
                    pAdvance = new[] { 0.0, 0.02, 0.1, 0.4 }[k];
                    pIns = k == 0 ? 45 : 20;
                    compactShare = new[] { 0.0, 0.5, 1.0 }[_rnd.Next(3)];
                    _sweepEn = _rnd.Next(4) != 0;
                    _roomOdds = _rnd.Next(2) == 0 ? 4 : 20;
                    Note($"epoch: advance {pAdvance}, inserts {pIns}%, compact {compactShare}, sweeps {_sweepEn}, idle {_idle} close {_close}");
                }
                if (n >= readAt && pending is null)
                {
                    readAt += 4000;
                    WaitIdle();
                    ReadBackAll();
                }
                if (_rnd.NextDouble() < pAdvance) _tick = (ushort)(_tick + _rnd.Next(1, 3));
                if (_rnd.Next(25) == 0) burst = !burst;
                if (pending is null && (burst || _rnd.Next(3) == 0))
                {
                    int r = _rnd.Next(100);
                    pending = r < pIns ? (_rnd.Next(4) == 0 ? InsertAfterRst(compactShare) : null) ?? InsertOp(compactShare)
                            : r < pIns + 45 ? LookupOp(Kind.Lookup, PickKey())
                            : r < pIns + 67 ? LookupOp(Kind.Relookup, PickKey())
                            : r < pIns + 70 ? ReadbackOp(_rnd.Next(_slots))
                            : r < pIns + 73 ? NewOp(Kind.Nop)
                            : LookupOp(Kind.Lookup, _hot[_rnd.Next(_hot.Count)]);
                    if (pending.Kind == Kind.Relookup && _rnd.Next(3) == 0) { pending.Rst = true; pending.Chk = false; }
                    pending.Now = _tick;
                }
                if (Step(pending)) { pending = null; n++; }
                else if (pending is not null) pending.Now = _tick;          // not accepted yet: the current tick
            }
        }

        public void Finish()
        {
            _sweepEn = false;
            WaitIdle();
            ReadBackAll();
            foreach (var key in _pool)
            {
                var o = LookupOp(Kind.Relookup, key);
                o.Rst = false;
                while (!Step(o)) o.Now = _tick;
            }
            WaitIdle();
            _sweepEn = true;
            for (int i = 0; i < 4 * _buckets; i++) Step(null);
            _sweepEn = false;
            WaitIdle();
            ReadBackAll();
            Assert.That((int)_m.Get("occupancy"), Is.EqualTo(_t.ValidCount()), Ctx("occupancy = valid slots of the model"));
        }

        public (int Slot, ModelSessionEntry Entry) InsertOne(bool compact)
        {
            var o = InsertOp(0);
            o.Entry = SessionBits.RandomEntry(_rnd, o.Key, _tick, compact ? 1 : 0, closingOdds: 9, finOdds: 6) with { Fin0 = false, Fin1 = false };
            while (!Step(o)) o.Now = _tick;
            WaitIdle();
            int s = _t.Lookup(o.Key, o.Key.Hash(), _tick, _idle, _close);
            Assert.That(s, Is.GreaterThanOrEqualTo(0), Ctx("the inserted entry"));
            return (s, _t[s]);
        }

        public ModelSessionEntry ReadSlot(int slot)
        {
            while (!Step(ReadbackOp(slot))) { }
            WaitIdle();
            return _t[slot];
        }

        public void AssertCoverage() => Assert.Multiple(() =>
        {
            Assert.That(_nFwdHit, Is.GreaterThan(50), "hits on an entry updated by one of the 6 operations ahead");
            Assert.That(_nFwdAfterRst, Is.GreaterThan(5), "lookups right behind a RST delete of their key");
            Assert.That(_nFwdAfterIns, Is.GreaterThan(5), "lookups right behind the insert of their key");
            Assert.That(_nInsAfterRst, Is.GreaterThan(5), "inserts racing the delete of their key");
            Assert.That(_nInsWaited, Is.GreaterThan(20), "inserts that waited in S1 for writes to their buckets");
            Assert.That(_nInsDeferred, Is.GreaterThan(5), "inserts with a second pass");
            Assert.That(_nOvertaken, Is.GreaterThan(5), "results of operations behind an insert's second pass");
            Assert.That(_nInsWalk, Is.GreaterThan(5), "inserts with a walk");
            Assert.That(_nInsWalkCompact, Is.GreaterThan(0), "compact inserts with a walk");
            Assert.That(_nInsFail, Is.GreaterThan(0), "failed inserts");
            Assert.That(_nFollow, Is.GreaterThan(20), "followers");
            Assert.That(_nLead, Is.GreaterThan(20), "leaders");
            Assert.That(_nFull, Is.GreaterThan(5), "full");
            Assert.That(_nSpoof, Is.GreaterThan(5), "spoofed hits");
            Assert.That(_nClosed, Is.GreaterThan(5), "RST deletes");
            Assert.That(_nSweepAged, Is.GreaterThan(5), "sweeps that aged entries");
            Assert.That(_nRbValid, Is.GreaterThan(50), "read-backs of valid slots");
        });

        public string Summary() =>
            $"{_name}: {_ticks} cycles (op_ready low {_readyLow}); first insert failure at {_fillAt} entries; lookups {_nLk} (relookups {_nRelookup}, hits {_nLkHit}, " +
            $"forwarded hits {_nFwdHit}, right after a RST of their key {_nFwdAfterRst}, right after the insert of their key {_nFwdAfterIns}); " +
            $"CAM: followers {_nFollow}, leaders {_nLead}, full {_nFull}; spoofed {_nSpoof}; closed {_nClosed}; " +
            $"inserts {_nIns} (ok {_nInsOk}, failed {_nInsFail}, walks {_nInsWalk} (compact {_nInsWalkCompact}), max kicks {_maxKicks}, waited in S1 {_nInsWaited}, " +
            $"second pass {_nInsDeferred}, racing a RST of their key {_nInsAfterRst}); results behind a second pass {_nOvertaken}; " +
            $"read-backs {_nRb} (valid {_nRbValid}); sweeps {_nSweep} (aging {_nSweepAged}); NOPs {_nNop}; final occupancy {_m.Get("occupancy")}";
    }
}
