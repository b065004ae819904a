using System.Diagnostics;
using System.Runtime.InteropServices;
using Nezha.Verify.Sim;

namespace Nezha.Bench;

/// <summary>
/// Cycles per second of one model driven by the native C++ loop and by the same loop in C#. The rates use the
/// measuring thread's CPU time when the platform provides it (Linux), else wall time: the build machines are
/// shared, and CPU time does not count the time the thread waited for a core.
/// </summary>
public sealed record HarnessResult(
    SimConfig Config, int Frames, int FrameBytes,
    ulong NativeCycles, double NativeSeconds, double NativeCpuSeconds, long NativeFramesOut,
    ulong ManagedCycles, double ManagedSeconds, double ManagedCpuSeconds, long ManagedFramesOut)
{
    public double NativeCyclesPerSecond => Rate(NativeCycles, NativeCpuSeconds, NativeSeconds);
    public double ManagedCyclesPerSecond => Rate(ManagedCycles, ManagedCpuSeconds, ManagedSeconds);
    /// <summary>C# cycles/s divided by native cycles/s (1 = the P/Invoke harness costs nothing).</summary>
    public double Ratio => NativeCyclesPerSecond > 0 ? ManagedCyclesPerSecond / NativeCyclesPerSecond : 0;
    /// <summary>True when the rates are per CPU-second of the measuring thread.</summary>
    public bool CpuTime => NativeCpuSeconds > 0 && ManagedCpuSeconds > 0;

    private double Rate(ulong cycles, double cpu, double wall) =>
        CpuTime ? cycles / cpu : wall > 0 ? cycles / wall : 0;
}

/// <summary>
/// The harness overhead: <c>nz_bench_native</c> (a C++ loop inside the simulator library) against the same
/// loop written in C# over P/Invoke. Both keep at most two copies of the frame queued on the input port until
/// <c>count</c> were pushed, step ONE cycle at a time, pop every output frame (both ports) and every monitor
/// record after each cycle, and stop once the core has been idle for 4 cycles.
/// </summary>
public static class NativeBaseline
{
    /// <param name="cfg">configuration to measure</param>
    /// <param name="frame">frame pushed <paramref name="count"/> times</param>
    /// <param name="count">frames per run</param>
    /// <param name="port">input port (default host)</param>
    /// <param name="tuser">tuser of the frames (vNIC id | flags &lt;&lt; VnicWidth)</param>
    /// <param name="setup">optional programming of each fresh core (tables, registers) before measuring</param>
    /// <param name="seed">model seed</param>
    /// <param name="rounds">native and C# runs alternate this many times; the fastest of each counts
    /// (the build machines are shared, so single runs are noisy)</param>
    public static HarnessResult Measure(SimConfig cfg, ReadOnlySpan<byte> frame, int count = 20_000,
        int port = SimNic.PortHost, uint tuser = 0, Action<SimNic>? setup = null, ulong seed = 1, int rounds = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        // warm up: tiered JIT promotes the managed loop's callees only after they ran for a while
        using (var warm = NewNic(cfg, seed, setup))
        {
            var sw = Stopwatch.StartNew();
            do ManagedLoop(warm, port, frame, tuser, Math.Min(count, 200));
            while (sw.ElapsedMilliseconds < 500);
        }

        Run bestN = new(0, double.MaxValue, double.MaxValue, 0), bestM = bestN;
        for (int r = 0; r < rounds; r++)
        {
            using (var nic = NewNic(cfg, seed, setup))
            {
                double cpu0 = ThreadCpuSeconds();
                var (c, s) = nic.BenchNative(port, frame, tuser, count, out long o);
                var run = new Run(c, s, ThreadCpuSeconds() - cpu0, o);
                if (run.Better(bestN)) bestN = run;
            }
            using (var nic = NewNic(cfg, seed, setup))
            {
                double cpu0 = ThreadCpuSeconds();
                var (c, s, o) = ManagedLoop(nic, port, frame, tuser, count);
                var run = new Run(c, s, ThreadCpuSeconds() - cpu0, o);
                if (run.Better(bestM)) bestM = run;
            }
        }
        return new HarnessResult(cfg, count, frame.Length,
            bestN.Cycles, bestN.Wall, Math.Max(bestN.Cpu, 0), bestN.Out,
            bestM.Cycles, bestM.Wall, Math.Max(bestM.Cpu, 0), bestM.Out);
    }

    private readonly record struct Run(ulong Cycles, double Wall, double Cpu, long Out)
    {
        public bool Better(Run other) => Cpu > 0 && other.Cpu > 0 ? Cpu < other.Cpu : Wall < other.Wall;
    }

    /// <summary>CPU time of the calling thread in seconds (Linux), or -1 where unavailable.</summary>
    public static double ThreadCpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return -1;
        try
        {
            return LibC.clock_gettime(LibC.CLOCK_THREAD_CPUTIME_ID, out var ts) == 0 ? ts.Sec + ts.NSec * 1e-9 : -1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return -1;
        }
    }

    /// <summary>The C# twin of nz_bench_native: several P/Invoke calls per simulated cycle.</summary>
    public static (ulong Cycles, double Seconds, long FramesOut) ManagedLoop(SimNic nic, int port,
        ReadOnlySpan<byte> frame, uint tuser, int count)
    {
        ulong c0 = nic.Cycle;
        var sw = Stopwatch.StartNew();
        int pushed = 0, streak = 0;
        long received = 0;
        while (true)
        {
            if (pushed < count && nic.PendingInput(port) < 2)
            {
                nic.Push(port, frame, tuser);
                pushed++;
            }
            nic.Step(1);
            while (nic.TryPop(SimNic.PortNet, out _)) received++;
            while (nic.TryPop(SimNic.PortHost, out _)) received++;
            while (nic.TryPopMonitor(out _)) { }
            if (pushed == count && nic.IsIdle)
            {
                if (++streak >= 4) break;
            }
            else
            {
                streak = 0;
            }
        }
        sw.Stop();
        return (nic.Cycle - c0, sw.Elapsed.TotalSeconds, received);
    }

    private static SimNic NewNic(SimConfig cfg, ulong seed, Action<SimNic>? setup)
    {
        var nic = new SimNic(cfg, seed);
        try
        {
            nic.Reset();
            nic.RunUntilIdle(2_000_000);
            setup?.Invoke(nic);
            nic.RunUntilIdle(2_000_000);
            while (nic.TryPop(SimNic.PortNet, out _)) { }
            while (nic.TryPop(SimNic.PortHost, out _)) { }
            while (nic.TryPopMonitor(out _)) { }
            return nic;
        }
        catch
        {
            nic.Dispose();
            throw;
        }
    }
}

internal static partial class LibC
{
    public const int CLOCK_THREAD_CPUTIME_ID = 3;

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Sec, NSec;
    }

    [LibraryImport("libc", SetLastError = false)]
    public static partial int clock_gettime(int clockId, out Timespec ts);
}
