using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nezha.Verify.Sim;

/// <summary>Layout of <c>nz_info_t</c> (sim/nezha_sim.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NzInfo
{
    public int AbiVersion, Config, DataW, KeepW, UserW, VnicW;
    public uint Flavour;
    public int Reserved;
}

/// <summary>Layout of <c>nz_mon_t</c> (sim/nezha_sim.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NzMon
{
    public int Port;
    public ushort Tick, SlowCycles;
    public ulong Cycle;
}

/// <summary>
/// P/Invoke declarations of libnezha_sim*.so (the C ABI in sim/nezha_sim.h) and the resolver that finds it.
/// Which flavour is loaded is decided once per process, at the first call:
/// <list type="bullet">
/// <item><c>NEZHA_SIM_LIB</c> set: that file;</item>
/// <item><c>NEZHA_TRACE</c> set: build/sim/libnezha_sim_trace.so (make sim-trace);</item>
/// <item><c>NEZHA_COVERAGE</c> set: build/sim/libnezha_sim_cov.so (make sim-cov);</item>
/// <item>otherwise build/sim/libnezha_sim.so (make sim),</item>
/// </list>
/// where build/ is found by walking up from the application's base directory (then the working directory).
/// The same resolver (one per assembly) also finds <c>nezha_modules</c> (build/sim/libnezha_modules.so, the
/// per-module benches of ModuleBench; <c>NEZHA_MODULES_LIB</c> overrides it).
/// </summary>
internal static unsafe partial class NativeMethods
{
    internal const string Lib = "nezha_sim";
    internal const string ModulesLib = "nezha_modules";
    internal const int AbiVersion = 4;
    internal const uint RespTimeout = 0xFFFFFFFF;
    internal const uint FlavourTrace = 1, FlavourCoverage = 2;

    /// <summary>Full path of the library that was loaded (null before the first call).</summary>
    internal static string? LoadedPath { get; private set; }

    [ModuleInitializer]
    internal static void RegisterResolver() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeMethods).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name == Lib)
        {
            string path = LocateLibrary();
            IntPtr h = NativeLibrary.Load(path);
            LoadedPath = path;
            return h;
        }
        if (name == ModulesLib)
            return NativeLibrary.Load(FindInBuild("libnezha_modules.so", "NEZHA_MODULES_LIB", "make sim-modules"));
        return IntPtr.Zero;
    }

    /// <summary>The file name of the flavour selected by the environment.</summary>
    internal static string FlavourFileName()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NEZHA_TRACE"))) return "libnezha_sim_trace.so";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NEZHA_COVERAGE"))) return "libnezha_sim_cov.so";
        return "libnezha_sim.so";
    }

    internal static string LocateLibrary()
    {
        string file = FlavourFileName();
        string target = file switch
        {
            "libnezha_sim_trace.so" => "make sim-trace",
            "libnezha_sim_cov.so" => "make sim-cov",
            _ => "make sim",
        };
        return FindInBuild(file, "NEZHA_SIM_LIB", target);
    }

    /// <summary>build/sim/<paramref name="file"/> above the base or working directory, or the path in the
    /// environment variable <paramref name="overrideVar"/>.</summary>
    internal static string FindInBuild(string file, string overrideVar, string makeTarget)
    {
        string? explicitPath = Environment.GetEnvironmentVariable(overrideVar);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            if (!File.Exists(explicitPath))
                throw new DllNotFoundException($"{overrideVar}={explicitPath}: no such file");
            return Path.GetFullPath(explicitPath);
        }
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
            {
                string candidate = Path.Combine(d.FullName, "build", "sim", file);
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new DllNotFoundException(
            $"{file} not found in build/sim/ above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}; " +
            $"run '{makeTarget}' in the repository root, or set {overrideVar} to the library's path");
    }

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr nz_create(int config, string? path, ulong seed);

    [LibraryImport(Lib)] internal static partial void nz_destroy(IntPtr h);
    [LibraryImport(Lib)] internal static partial void nz_reset(IntPtr h, uint cycles);
    [LibraryImport(Lib)] internal static partial void nz_info(IntPtr h, NzInfo* info);
    [LibraryImport(Lib)] internal static partial uint nz_flavour();

    [LibraryImport(Lib)] internal static partial int nz_push(IntPtr h, int port, byte* data, uint len, uint tuser);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial uint nz_pending_in(IntPtr h, int port);
    [LibraryImport(Lib)] internal static partial void nz_step(IntPtr h, uint cycles);
    [LibraryImport(Lib)] internal static partial ulong nz_run_until_idle(IntPtr h, ulong maxCycles);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial int nz_idle(IntPtr h);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial void nz_tick_pulse(IntPtr h);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial uint nz_tick_pending(IntPtr h);

    [LibraryImport(Lib)]
    internal static partial int nz_pop(IntPtr h, int port, byte* buf, uint cap, uint* len, uint* tuser, ulong* cycle);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial uint nz_pending_out(IntPtr h, int port);

    [LibraryImport(Lib)] internal static partial void nz_set_backpressure(IntPtr h, int port, uint readyPermille, ulong seed);
    [LibraryImport(Lib)] internal static partial void nz_set_input_gaps(IntPtr h, int port, uint validPermille, ulong seed);

    [LibraryImport(Lib)] internal static partial uint nz_reg_write(IntPtr h, uint addr, uint data, uint wstrb);
    [LibraryImport(Lib)] internal static partial uint nz_reg_read(IntPtr h, uint addr, uint* data);

    [LibraryImport(Lib), SuppressGCTransition] internal static partial int nz_mon_pop(IntPtr h, NzMon* ev);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial uint nz_mon_pending(IntPtr h);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial ulong nz_cycles(IntPtr h);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial int nz_busy(IntPtr h);

    [LibraryImport(Lib), SuppressGCTransition] internal static partial ulong nz_protocol_errors(IntPtr h);
    [LibraryImport(Lib)] internal static partial uint nz_protocol_error_text(IntPtr h, byte* buf, uint cap);

    [LibraryImport(Lib)]
    internal static partial long nz_bench_native(IntPtr h, int port, byte* frame, uint len, uint tuser, uint count,
        ulong* cycles, ulong* nanoseconds);
}
