using System.Numerics;
using System.Runtime.InteropServices;

namespace Nezha.Verify.ModuleBench;

internal static partial class ModuleNative
{
    public const string Lib = "nezha_modules";

    [LibraryImport(Lib, EntryPoint = "mb_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr Create(string name);

    [LibraryImport(Lib, EntryPoint = "mb_destroy")]
    public static partial void Destroy(IntPtr h);

    [LibraryImport(Lib, EntryPoint = "mb_port_count")]
    public static partial int PortCount(IntPtr h);

    [LibraryImport(Lib, EntryPoint = "mb_port_info")]
    public static unsafe partial int PortInfo(IntPtr h, int i, byte* name, int cap, out int dir);

    [LibraryImport(Lib, EntryPoint = "mb_set")]
    public static unsafe partial void Set(IntPtr h, int i, uint* words);

    [LibraryImport(Lib, EntryPoint = "mb_get")]
    public static unsafe partial void Get(IntPtr h, int i, uint* words);

    [LibraryImport(Lib, EntryPoint = "mb_eval")]
    public static partial void Eval(IntPtr h);
}

/// <summary>
/// One Verilated RTL module (from sim/modules/modules.txt) driven port by port: the per-module benches poke
/// inputs by name, toggle the clock and peek outputs. Wide ports are read and written as little-endian
/// bytes (byte i = bits 8i+7:8i), which is also how the datapath lays out header windows.
/// </summary>
public sealed unsafe class ModuleSim : IDisposable
{
    private readonly IntPtr _h;
    private readonly Dictionary<string, (int Index, int Width, bool Output)> _ports = new();
    private readonly uint[] _buf = new uint[64];

    public ModuleSim(string name)
    {
        _h = ModuleNative.Create(name);
        if (_h == IntPtr.Zero) throw new ArgumentException($"no module bench named '{name}' in libnezha_modules.so");
        int n = ModuleNative.PortCount(_h);
        byte* nm = stackalloc byte[128];
        for (int i = 0; i < n; i++)
        {
            int w = ModuleNative.PortInfo(_h, i, nm, 128, out int dir);
            _ports[Marshal.PtrToStringUTF8((IntPtr)nm)!] = (i, w, dir == 1);
        }
        if (_ports.ContainsKey("clk")) { Set("clk", 0); Eval(); }
    }

    public IReadOnlyCollection<string> Ports => _ports.Keys;

    public int Width(string port) => Port(port).Width;

    private (int Index, int Width, bool Output) Port(string name) =>
        _ports.TryGetValue(name, out var p) ? p : throw new ArgumentException($"module has no port '{name}'");

    public void Set(string port, ulong value)
    {
        var p = Port(port);
        int words = (p.Width + 31) / 32;
        Array.Clear(_buf, 0, words);
        _buf[0] = (uint)value;
        if (words > 1) _buf[1] = (uint)(value >> 32);
        fixed (uint* b = _buf) ModuleNative.Set(_h, p.Index, b);
    }

    public void Set(string port, bool value) => Set(port, value ? 1UL : 0UL);

    /// <summary>Writes a wide port from little-endian bytes (missing high bytes are zero).</summary>
    public void SetBytes(string port, ReadOnlySpan<byte> value)
    {
        var p = Port(port);
        int words = (p.Width + 31) / 32;
        Array.Clear(_buf, 0, words);
        var dst = MemoryMarshal.AsBytes(_buf.AsSpan(0, words));
        value[..Math.Min(value.Length, dst.Length)].CopyTo(dst);
        fixed (uint* b = _buf) ModuleNative.Set(_h, p.Index, b);
    }

    public void SetBig(string port, BigInteger value)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: false);
        SetBytes(port, bytes);
    }

    public ulong Get(string port)
    {
        var p = Port(port);
        fixed (uint* b = _buf) ModuleNative.Get(_h, p.Index, b);
        ulong v = _buf[0];
        if (p.Width > 32) v |= (ulong)_buf[1] << 32;
        return p.Width >= 64 ? v : v & ((1UL << p.Width) - 1);
    }

    public bool GetBool(string port) => Get(port) != 0;

    public byte[] GetBytes(string port)
    {
        var p = Port(port);
        int words = (p.Width + 31) / 32;
        fixed (uint* b = _buf) ModuleNative.Get(_h, p.Index, b);
        return MemoryMarshal.AsBytes(_buf.AsSpan(0, words))[..((p.Width + 7) / 8)].ToArray();
    }

    public BigInteger GetBig(string port) => new(GetBytes(port), isUnsigned: true, isBigEndian: false);

    public void Eval() => ModuleNative.Eval(_h);

    /// <summary>One clock cycle: inputs set before the call are sampled at the rising edge.</summary>
    public void Tick()
    {
        Set("clk", 1);
        Eval();
        Set("clk", 0);
        Eval();
    }

    public void Reset(int cycles = 4)
    {
        Set("rst", 1);
        for (int i = 0; i < cycles; i++) Tick();
        Set("rst", 0);
        Eval();
    }

    public void Dispose() => ModuleNative.Destroy(_h);
}
