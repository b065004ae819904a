using System.Collections.Concurrent;
using System.Text;

namespace Nezha.Verify.Sim;

/// <summary>The three built configurations of nezha_core: the builds of rtl/builds.json (docs/datapath-spec.md section 1).</summary>
public enum SimConfig { W8 = 0, W64 = 1, W512 = 2 }

/// <summary>
/// One <c>mon_valid</c> pulse: a frame retired by the flow processor (<see cref="Port"/> 0 net, 1 host), or a
/// probe round (<see cref="Port"/> = <see cref="SimNic.PortProbeRound"/>, <see cref="Tick"/> = the round's tick), or
/// a register commit (<see cref="SimNic.PortConfigCommit"/>: a table write took effect between the frames
/// reported before and after it).
/// </summary>
public readonly record struct MonitorEvent(int Port, ushort Tick, ushort SlowCycles, ulong Cycle)
{
    public bool IsProbeRound => Port == SimNic.PortProbeRound;
    public bool IsConfigCommit => Port == SimNic.PortConfigCommit;
}

/// <summary>A complete frame taken from an output port; <see cref="Cycle"/> is the cycle of its last beat.</summary>
public readonly record struct SimFrame(int Port, byte[] Data, uint TUser, ulong Cycle);

/// <summary>Which native library (flavour) the process uses; see <see cref="NativeMethods"/>.</summary>
[Flags]
public enum SimFlavour { Fast = 0, Trace = 1, Coverage = 2 }

/// <summary>
/// A cycle-accurate Verilator model of nezha_core behind the C ABI of sim/nezha_sim.cpp.
/// Frames are queued whole and driven beat by beat as cycles run; output frames and monitor records are
/// collected as they complete. Instances are independent; one thread per instance at a time.
/// </summary>
public sealed unsafe class SimNic : IDisposable
{
    public const int PortNet = 0, PortHost = 1;
    /// <summary>The monitor record of a probe round (docs/nezha-offload.md section 5), not a frame.</summary>
    public const int PortProbeRound = 2;
    /// <summary>The monitor record of a register commit (a table or datapath register write), not a frame.</summary>
    public const int PortConfigCommit = 3;

    private static readonly ConcurrentDictionary<string, int> TraceNames = new();
    private static readonly ConcurrentDictionary<SimNic, byte> Live = new();
    private static int _coverageSeq;
    private static int _exitHookInstalled;

    private IntPtr _h;
    private byte[] _popBuf = new byte[16384];

    /// <param name="cfg">configuration</param>
    /// <param name="seed">seeds the model's randomisation and the default stall generators</param>
    /// <param name="tracePath">FST file to write (requires the trace flavour: set NEZHA_TRACE, e.g. via
    /// <c>make wave</c>); when null and NEZHA_TRACE is set, that path is used. Several instances asking for the
    /// same file in one process get <c>name.1.fst</c>, <c>name.2.fst</c>, ...</param>
    public SimNic(SimConfig cfg, ulong seed = 1, string? tracePath = null)
    {
        if (cfg is < SimConfig.W8 or > SimConfig.W512) throw new ArgumentOutOfRangeException(nameof(cfg));
        uint flavour = NativeMethods.nz_flavour();
        Flavour = (SimFlavour)flavour;

        string? path = null;
        tracePath ??= NullIfEmpty(Environment.GetEnvironmentVariable("NEZHA_TRACE"));
        if (tracePath != null)
        {
            if ((flavour & NativeMethods.FlavourTrace) == 0)
                throw new InvalidOperationException(
                    $"a trace file was requested but {NativeMethods.LoadedPath} is not the trace flavour; " +
                    "set NEZHA_TRACE before the first simulator call (make wave TEST=... does) or NEZHA_SIM_LIB " +
                    "to build/sim/libnezha_sim_trace.so");
            path = UniqueTracePath(Path.GetFullPath(tracePath));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            TracePath = path;
        }
        else if ((flavour & NativeMethods.FlavourCoverage) != 0)
        {
            string dir = NullIfEmpty(Environment.GetEnvironmentVariable("NEZHA_COVERAGE")) ?? "build/coverage";
            dir = Path.GetFullPath(dir);
            Directory.CreateDirectory(dir);
            path = Path.Combine(dir,
                $"nezha_{cfg.ToString().ToLowerInvariant()}_{Environment.ProcessId}_{Interlocked.Increment(ref _coverageSeq)}.dat");
            CoveragePath = path;
        }

        _h = NativeMethods.nz_create((int)cfg, path, seed);
        if (_h == IntPtr.Zero) throw new InvalidOperationException($"nz_create({cfg}) failed");
        NzInfo info;
        NativeMethods.nz_info(_h, &info);
        if (info.AbiVersion != NativeMethods.AbiVersion)
        {
            NativeMethods.nz_destroy(_h);
            _h = IntPtr.Zero;
            throw new InvalidOperationException(
                $"{NativeMethods.LoadedPath} has ABI version {info.AbiVersion}, expected {NativeMethods.AbiVersion}: rebuild it (make sim)");
        }
        Config = cfg;
        DataWidth = info.DataW;
        KeepWidth = info.KeepW;
        UserWidth = info.UserW;
        VnicWidth = info.VnicW;

        if (CoveragePath != null)
        {
            // coverage is written when the model is destroyed: make sure that happens for leaked instances too
            Live[this] = 0;
            if (Interlocked.Exchange(ref _exitHookInstalled, 1) == 0)
                AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                {
                    foreach (var nic in Live.Keys) nic.Dispose();
                };
        }
    }

    ~SimNic() => Destroy();

    public SimConfig Config { get; }
    /// <summary>AXI-Stream data width in bits.</summary>
    public int DataWidth { get; }
    public int KeepWidth { get; }
    public int UserWidth { get; }
    public int VnicWidth { get; }
    public SimFlavour Flavour { get; }
    /// <summary>The FST file this instance writes, if tracing.</summary>
    public string? TracePath { get; }
    /// <summary>The coverage data file written at Dispose, in the coverage flavour.</summary>
    public string? CoveragePath { get; }
    /// <summary>Full path of the native library in use.</summary>
    public static string? LibraryPath => NativeMethods.LoadedPath;

    /// <summary>Holds rst high for <paramref name="cycles"/> cycles and empties every queue (inputs, outputs,
    /// monitor). The constructor already did one reset of 16 cycles.</summary>
    public void Reset(uint cycles = 16) => NativeMethods.nz_reset(H, cycles);

    /// <summary>Rising clock edges since creation.</summary>
    public ulong Cycle => NativeMethods.nz_cycles(H);

    /// <summary>The core's busy output after the last clock edge.</summary>
    public bool Busy => NativeMethods.nz_busy(H) != 0;

    /// <summary>Nothing queued or partly transferred on any port, no tick pulse pending, no register access
    /// open, busy low and no output valid.</summary>
    public bool IsIdle => NativeMethods.nz_idle(H) != 0;

    /// <summary>Queues a whole frame on an input port (0 net, 1 host). <paramref name="tuser"/> = vNIC id |
    /// flags &lt;&lt; VnicWidth; the rx-error flag (bit VnicWidth) is driven on the last beat only.</summary>
    public void Push(int port, ReadOnlySpan<byte> frame, uint tuser)
    {
        CheckPort(port);
        if (frame.IsEmpty) throw new ArgumentException("a frame has at least one byte", nameof(frame));
        fixed (byte* p = frame)
        {
            if (NativeMethods.nz_push(H, port, p, (uint)frame.Length, tuser) != 0)
                throw new ArgumentException("nz_push refused the frame");
        }
    }

    /// <summary>Frames queued on an input port that the core has not completely accepted yet.</summary>
    public int PendingInput(int port)
    {
        CheckPort(port);
        return (int)NativeMethods.nz_pending_in(H, port);
    }

    /// <summary>Complete output frames waiting in <see cref="TryPop"/>.</summary>
    public int PendingOutput(int port)
    {
        CheckPort(port);
        return (int)NativeMethods.nz_pending_out(H, port);
    }

    public int PendingMonitor => (int)NativeMethods.nz_mon_pending(H);

    public void Step(uint cycles) => NativeMethods.nz_step(H, cycles);

    /// <summary>
    /// One external tick: tick_in is high for exactly one clocked cycle, the next one without a pulse yet
    /// (several calls before a step queue one pulse per cycle). The core counts it only when TICK_CYCLES is 0
    /// (datapath-spec section 5). Pending pulses keep <see cref="IsIdle"/> false; <see cref="Reset"/> drops them.
    /// </summary>
    public void TickPulse() => NativeMethods.nz_tick_pulse(H);

    /// <summary>Tick pulses queued by <see cref="TickPulse"/> and not driven yet.</summary>
    public int PendingTickPulses => (int)NativeMethods.nz_tick_pending(H);

    /// <summary>Runs until idle (see <see cref="IsIdle"/>) for a few consecutive cycles; returns the cycles run.</summary>
    /// <exception cref="TimeoutException">still not idle after <paramref name="maxCycles"/> cycles</exception>
    public ulong RunUntilIdle(ulong maxCycles = 50_000_000)
    {
        ulong n = NativeMethods.nz_run_until_idle(H, maxCycles);
        if (NativeMethods.nz_idle(H) == 0)
            throw new TimeoutException(
                $"not idle after {n} cycles (cycle {Cycle}): busy={Busy}, pending input net/host " +
                $"{PendingInput(PortNet)}/{PendingInput(PortHost)}");
        return n;
    }

    /// <summary>Takes the oldest complete frame of an output port (0 net, 1 host).</summary>
    public bool TryPop(int port, out SimFrame frame)
    {
        CheckPort(port);
        IntPtr h = H;
        if (NativeMethods.nz_pending_out(h, port) == 0) // cheap poll (no GC transition) for the common case
        {
            frame = default;
            return false;
        }
        uint len, tuser;
        ulong cycle;
        while (true)
        {
            int r;
            fixed (byte* b = _popBuf)
                r = NativeMethods.nz_pop(h, port, b, (uint)_popBuf.Length, &len, &tuser, &cycle);
            if (r == 1)
            {
                frame = new SimFrame(port, _popBuf.AsSpan(0, (int)len).ToArray(), tuser, cycle);
                return true;
            }
            if (r == 0)
            {
                frame = default;
                return false;
            }
            _popBuf = new byte[Math.Max((int)len, _popBuf.Length * 2)];
        }
    }

    public bool TryPopMonitor(out MonitorEvent ev)
    {
        NzMon m;
        IntPtr h = H;
        if (NativeMethods.nz_mon_pending(h) == 0 || NativeMethods.nz_mon_pop(h, &m) == 0)
        {
            ev = default;
            return false;
        }
        ev = new MonitorEvent(m.Port, m.Tick, m.SlowCycles, m.Cycle);
        return true;
    }

    /// <summary>Random tready on an output port: ready with this probability each cycle (resolution 0.001;
    /// 1 = always ready).</summary>
    public void SetBackpressure(int port, double readyProbability, ulong seed)
    {
        CheckPort(port);
        NativeMethods.nz_set_backpressure(H, port, Permille(readyProbability), seed);
    }

    /// <summary>Random gaps on an input port: a beat is offered with this probability each cycle (1 = none).</summary>
    public void SetInputGaps(int port, double validProbability, ulong seed)
    {
        CheckPort(port);
        NativeMethods.nz_set_input_gaps(H, port, Permille(validProbability), seed);
    }

    /// <summary>AXI4-Lite write while traffic keeps running; returns BRESP (0 OKAY, 2 SLVERR).</summary>
    /// <exception cref="TimeoutException">no response within 100 000 cycles</exception>
    public uint RegWrite(uint addr, uint data, uint wstrb = 0xF)
    {
        uint r = NativeMethods.nz_reg_write(H, addr, data, wstrb);
        if (r == NativeMethods.RespTimeout) throw new TimeoutException($"AXI-Lite write to 0x{addr:X4}: no response");
        return r;
    }

    /// <summary>AXI4-Lite read while traffic keeps running; returns RRESP (0 OKAY, 2 SLVERR).</summary>
    /// <exception cref="TimeoutException">no response within 100 000 cycles</exception>
    public uint RegRead(uint addr, out uint data)
    {
        uint d;
        uint r = NativeMethods.nz_reg_read(H, addr, &d);
        if (r == NativeMethods.RespTimeout) throw new TimeoutException($"AXI-Lite read of 0x{addr:X4}: no response");
        data = d;
        return r;
    }

    /// <summary>Interface rule violations seen on the outputs and the AXI-Lite responses (tkeep, tuser
    /// stability, payload held while stalled, response ordering).</summary>
    public ulong ProtocolErrors => NativeMethods.nz_protocol_errors(H);

    /// <summary>Description of the first protocol violation, or an empty string.</summary>
    public string FirstProtocolError
    {
        get
        {
            uint n = NativeMethods.nz_protocol_error_text(H, null, 0);
            if (n == 0) return "";
            var buf = new byte[n + 1];
            fixed (byte* b = buf) NativeMethods.nz_protocol_error_text(H, b, (uint)buf.Length);
            return Encoding.UTF8.GetString(buf, 0, (int)n);
        }
    }

    /// <summary>
    /// The native baseline loop (nz_bench_native): pushes <paramref name="count"/> copies of the frame (at most
    /// two queued at a time), steps one cycle at a time popping every output and monitor record, until idle.
    /// </summary>
    public (ulong Cycles, double Seconds) BenchNative(int port, ReadOnlySpan<byte> frame, uint tuser, int count)
        => BenchNative(port, frame, tuser, count, out _);

    /// <inheritdoc cref="BenchNative(int, ReadOnlySpan{byte}, uint, int)"/>
    /// <param name="framesOut">output frames received on both ports</param>
    public (ulong Cycles, double Seconds) BenchNative(int port, ReadOnlySpan<byte> frame, uint tuser, int count,
        out long framesOut)
    {
        CheckPort(port);
        if (frame.IsEmpty) throw new ArgumentException("empty frame", nameof(frame));
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ulong cycles, ns;
        fixed (byte* p = frame)
            framesOut = NativeMethods.nz_bench_native(H, port, p, (uint)frame.Length, tuser, (uint)count, &cycles, &ns);
        return (cycles, ns / 1e9);
    }

    public void Dispose()
    {
        Destroy();
        GC.SuppressFinalize(this);
    }

    private void Destroy()
    {
        IntPtr h = Interlocked.Exchange(ref _h, IntPtr.Zero);
        if (h != IntPtr.Zero) NativeMethods.nz_destroy(h);
        Live.TryRemove(this, out _);
    }

    private IntPtr H
    {
        get
        {
            IntPtr h = _h;
            if (h == IntPtr.Zero) throw new ObjectDisposedException(nameof(SimNic));
            return h;
        }
    }

    private static void CheckPort(int port)
    {
        if ((uint)port > 1) throw new ArgumentOutOfRangeException(nameof(port), port, "port is 0 (net) or 1 (host)");
    }

    private static uint Permille(double p)
    {
        if (double.IsNaN(p) || p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "probability in [0, 1]");
        return (uint)Math.Round(p * 1000);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static string UniqueTracePath(string path)
    {
        int n = TraceNames.AddOrUpdate(path, 0, (_, v) => v + 1);
        if (n == 0) return path;
        string ext = Path.GetExtension(path);
        return Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path) + "." + n + ext);
    }
}
