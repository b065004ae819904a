using System.Text;
using Nezha.Common;
using Nezha.Driver;
using Nezha.Common.Registers;
using Nezha.Verify.Model;
using Nezha.Verify.Sim;

namespace Nezha.Verify.Testbench;

/// <summary>
/// The RTL model and the golden model side by side. Frames sent here go to the RTL; every frame the RTL
/// retires (monitor event, in processing order) is replayed on the golden model with the same tick, and
/// every frame the RTL emits must equal the model's next expected frame from the same input port.
/// Registers are programmed through one <see cref="NicDriver"/> over a <see cref="MirrorTransport"/>, so
/// every register access (counters included) is compared as well.
/// </summary>
public sealed class NicBench : IDisposable
{
    public const int Net = 0, Host = 1;

    private readonly Queue<(byte[] Frame, uint TUser)>[] _pending = { new(), new() };
    // expected outputs: [output port][source]: source 0/1 = the input port, 2 = probe rounds (probe_gen)
    private const int Sources = 3, ProbeSource = 2;
    private readonly Queue<ModelFrame>[,] _expected =
    {
        { new Queue<ModelFrame>(), new Queue<ModelFrame>(), new Queue<ModelFrame>() },
        { new Queue<ModelFrame>(), new Queue<ModelFrame>(), new Queue<ModelFrame>() },
    };

    /// <param name="driverLogger">the driver's log (programming steps, register accesses); none if null.</param>
    public NicBench(SimConfig config, ulong seed = 1, string? tracePath = null, Microsoft.Extensions.Logging.ILogger<NicDriver>? driverLogger = null)
    {
        Config = config;
        Params = ParamsFor(config);
        Sim = new SimNic(config, seed, tracePath ?? Environment.GetEnvironmentVariable("NEZHA_TRACE"));
        Sim.Reset();
        Model = new NicModel(Params);
        Bus = new MirrorTransport(Sim, Model, Errors) { BeforeAccess = Collect, AfterRtlWrite = CollectThroughCommit };
        Bus.FramesInFlight = () => Outstanding > 0;
        Driver = new NicDriver(Bus, driverLogger);
        // wait until the session table has cleared itself after reset
        Sim.RunUntilIdle(1_000_000);
    }

    public static NicParams ParamsFor(SimConfig c) => c switch
    {
        SimConfig.W8 => NicParams.W8,
        SimConfig.W64 => NicParams.W64,
        SimConfig.W512 => NicParams.W512,
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    public SimConfig Config { get; }
    public NicParams Params { get; }
    public SimNic Sim { get; }
    public NicModel Model { get; }
    public MirrorTransport Bus { get; }
    public NicDriver Driver { get; }
    public List<string> Errors { get; } = new();

    /// <summary>Frames retired so far, with the model's verdict and the cycle of the monitor record, in processing order.</summary>
    public List<(int Port, ModelVerdict Verdict, ulong Cycle)> Retired { get; } = new();

    /// <summary>False: <see cref="Retired"/> stays empty (long-running users such as the TAP bridge).</summary>
    public bool KeepRetired { get; set; } = true;

    /// <summary>Called with every frame the RTL emits, after it was compared with the model (the TAP bridge
    /// forwards them).</summary>
    public Action<SimFrame>? OnOutput { get; set; }

    /// <summary>Ticks of the probe rounds the NIC took (monitor records), in order.</summary>
    public List<ushort> ProbeRounds { get; } = new();

    public long FramesSent { get; private set; }
    public long FramesChecked { get; private set; }
    public int MaxErrors { get; set; } = 20;

    public uint TUser(int vnic, bool rxError = false) => (uint)vnic | (rxError ? 1u << Sim.VnicWidth : 0u);

    public void Send(int port, byte[] frame, uint tuser = 0)
    {
        Sim.Push(port, frame, tuser);
        _pending[port].Enqueue((frame, tuser));
        FramesSent++;
        Bus.AgingSettled = false;
    }

    public void SendFromVm(int vnic, byte[] frame) => Send(Host, frame, TUser(vnic));

    public int Outstanding => _pending[0].Count + _pending[1].Count;

    /// <summary>Runs <paramref name="cycles"/> cycles and checks whatever came out.</summary>
    public void Pump(uint cycles)
    {
        Sim.Step(cycles);
        Collect();
    }

    /// <summary>Runs until the NIC is idle and checks that every expected frame came out.</summary>
    public void Drain(ulong maxCycles = 200_000_000)
    {
        Sim.RunUntilIdle(maxCycles);
        Collect();
        for (int p = 0; p < 2; p++)
            if (_pending[p].Count != 0)
                Error($"{_pending[p].Count} frame(s) sent on {PortName(p)} were never retired by the NIC");
        for (int o = 0; o < 2; o++)
            for (int i = 0; i < Sources; i++)
                while (_expected[o, i].Count > 0)
                    Error($"missing on {PortName(o)} (from {PortName(i)}): {Hex(_expected[o, i].Dequeue().Data)}");
    }

    // monitor records popped by CollectThroughCommit that belong after a register write
    private readonly Queue<MonitorEvent> _held = new();

    /// <summary>
    /// After a register write on the RTL: replays the frames retired before the write's commit record (a table
    /// write, ACL SET_COUNT or FE_GROUP timing write commits between frames, datapath-spec section 7), so the
    /// model applies the write at the same point of the frame sequence. Without a commit record (any other
    /// register) the frames retired during the access stay for after the model's write.
    /// </summary>
    private void CollectThroughCommit()
    {
        while (Sim.TryPopMonitor(out var ev))
        {
            if (ev.IsConfigCommit)
            {
                while (_held.Count > 0) Retire(_held.Dequeue());
                return;
            }
            _held.Enqueue(ev);
        }
    }

    private void Collect()
    {
        while (_held.Count > 0) Retire(_held.Dequeue());
        while (Sim.TryPopMonitor(out var ev)) Retire(ev);
        for (int p = 0; p < 2; p++)
        {
            while (Sim.TryPop(p, out var f))
            {
                Match(p, f);
                OnOutput?.Invoke(f);
            }
        }
    }

    private void Retire(MonitorEvent ev)
    {
        if (ev.IsConfigCommit) return;          // a register write took effect here (see CollectThroughCommit)
        if (ev.IsProbeRound)
        {
            // the model predicts the round's probes; they leave m_net in order (their own source)
            ProbeRounds.Add(ev.Tick);
            foreach (var probe in Model.ProbeRound(ev.Tick))
                _expected[probe.Port, ProbeSource].Enqueue(probe);
            return;
        }
        if (_pending[ev.Port].Count == 0)
        {
            Error($"monitor retired a frame on {PortName(ev.Port)} at cycle {ev.Cycle} but none was pending");
            return;
        }
        var (frame, tuser) = _pending[ev.Port].Dequeue();
        var v = Model.Process(ev.Port, frame, tuser, ev.Tick, ev.SlowCycles);
        if (KeepRetired) Retired.Add((ev.Port, v, ev.Cycle));
        if (v.Output is { } o)
            _expected[o.Port, ev.Port].Enqueue(o);
    }

    private void Match(int port, SimFrame f)
    {
        FramesChecked++;
        for (int i = 0; i < Sources; i++)
        {
            var q = _expected[port, i];
            if (q.Count > 0 && q.Peek().TUser == f.TUser && q.Peek().Data.AsSpan().SequenceEqual(f.Data))
            {
                q.Dequeue();
                return;
            }
        }
        var sb = new StringBuilder();
        sb.Append($"unexpected frame on {PortName(port)} at cycle {f.Cycle}, tuser 0x{f.TUser:X}: {Hex(f.Data)}");
        for (int i = 0; i < Sources; i++)
        {
            var q = _expected[port, i];
            if (q.Count > 0)
                sb.Append($"\n   expected next from {PortName(i)}: tuser 0x{q.Peek().TUser:X}: {Hex(q.Peek().Data)}{FirstDiff(q.Peek().Data, f.Data)}");
        }
        Error(sb.ToString());
        // resynchronise: drop the head that differs least so one mistake does not cascade
        for (int i = 0; i < Sources; i++)
            if (_expected[port, i].Count > 0 && _expected[port, i].Peek().Data.Length == f.Data.Length)
            {
                _expected[port, i].Dequeue();
                break;
            }
    }

    /// <summary>
    /// Lets the RTL sweeper finish a full pass with the tick held still, then applies the same pass to the
    /// model, after which occupancy, aged counts and session read-back compare exactly. The tick is held by
    /// selecting the external tick without sending pulses (TICK_CYCLES = 0, datapath-spec section 5), so the
    /// NIC is left with TICK_CYCLES = 0: write it again (or send <see cref="SimNic.TickPulse"/>s) for time to move.
    /// </summary>
    public void SettleAging()
    {
        Drain();   // also drives every queued tick pulse
        Bus.Write32(NezhaRegs.CONFIG_TICK_CYCLES, 0);
        int buckets = 2 << Params.SessLog2;
        uint pass = (uint)(buckets * 4 + 2000);
        for (int attempt = 0; attempt < 4; attempt++)
        {
            Sim.Step(pass);
            Sim.RegRead(NezhaRegs.CONFIG_TICK_NOW, out uint t0);
            Sim.Step(pass);
            Sim.RegRead(NezhaRegs.CONFIG_TICK_NOW, out uint t1);
            if (t0 == t1)
            {
                Model.Sweep((ushort)t1);
                Bus.AgingSettled = true;
                return;
            }
        }
        Error("the tick kept moving while settling aging");
    }

    /// <summary>
    /// Reads every STATS and per-vNIC counter through the mirror (each read is compared). With the internal
    /// tick running, the tick is held (TICK_CYCLES = 0) for the reads and restored after: otherwise a probe
    /// round could start during a read, and the RTL counts a round's probes one by one as they leave while the
    /// model counts them all at the round's monitor record, so PROBES_TX would be read between the two.
    /// </summary>
    public void CompareCounters()
    {
        Drain();
        Model.RegRead(NezhaRegs.CONFIG_TICK_CYCLES, out uint tickCycles);   // the same value, without clocking the RTL
        if (tickCycles != 0)
        {
            Bus.Write32(NezhaRegs.CONFIG_TICK_CYCLES, 0);
            Drain();            // a round started meanwhile is sent and replayed on the model
        }
        Driver.ReadAllStats();
        for (int v = 0; v < Params.NVnic; v++)
            Driver.ReadVnicCounters(v);
        if (tickCycles != 0) Bus.Write32(NezhaRegs.CONFIG_TICK_CYCLES, tickCycles);
    }

    public ulong Stat(StatIndex i) => Model.Stat(i);

    /// <summary>
    /// After settling aging, reads session slots from both models and compares them. An invalid slot's other
    /// fields are unspecified (only VALID must agree); a valid slot must agree word for word.
    /// </summary>
    public void CompareSessionTable(IEnumerable<int>? slots = null)
    {
        SettleAging();
        Span<uint> rtl = stackalloc uint[16];
        Span<uint> mdl = stackalloc uint[16];
        foreach (int i in slots ?? Enumerable.Range(0, Params.SessSlots))
        {
            ReadSlot(i, rtl, (a, d) => Sim.RegWrite(a, d), a => { Sim.RegRead(a, out uint v); return v; });
            ReadSlot(i, mdl, (a, d) => Model.RegWrite(a, d), a => { Model.RegRead(a, out uint v); return v; });
            bool rv = (rtl[0] & 1) != 0, mv = (mdl[0] & 1) != 0;
            if (rv != mv || (rv && !rtl.SequenceEqual(mdl)))
                Error($"session slot {i}: RTL {string.Join(' ', rtl.ToArray().Select(w => w.ToString("X8")))}\n" +
                      $"               model {string.Join(' ', mdl.ToArray().Select(w => w.ToString("X8")))}");
        }
    }

    private static void ReadSlot(int slot, Span<uint> words, Func<uint, uint, uint> write, Func<uint, uint> read)
    {
        write(NezhaRegs.SESSION_INDEX, (uint)slot);
        write(NezhaRegs.SESSION_CMD, 2);
        for (int w = 0; w < 16; w++) words[w] = read(NezhaRegs.SESSION_BASE + NezhaRegs.TBL_DATA + 4 * (uint)w);
    }

    public void AssertClean()
    {
        if (Errors.Count > 0)
            throw new InvalidOperationException($"{Errors.Count} mismatch(es) between RTL and model:\n" + string.Join("\n", Errors.Take(MaxErrors)));
    }

    private void Error(string e)
    {
        if (Errors.Count < 1000) Errors.Add(e);
    }

    public static string PortName(int p) => p == Net ? "net" : p == Host ? "host" : "probe rounds";

    public static string Hex(ReadOnlySpan<byte> b)
    {
        int n = Math.Min(b.Length, 96);
        return $"[{b.Length}] " + Convert.ToHexString(b[..n]) + (b.Length > n ? "..." : "");
    }

    private static string FirstDiff(byte[] a, byte[] b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
            if (a[i] != b[i]) return $" (first difference at byte {i}: expected {a[i]:X2}, got {b[i]:X2})";
        return a.Length != b.Length ? $" (lengths differ: expected {a.Length}, got {b.Length})" : "";
    }

    public void Dispose() => Sim.Dispose();
}
