using System.Runtime.InteropServices;

namespace Nezha.Verify.Tap;

/// <summary>The libc calls and TUN ioctls behind reading a TAP device's kernel counters in its network namespace.</summary>
internal static partial class Libc
{
    public const int O_RDONLY = 0, CLONE_NEWNET = 0x40000000;
    // linux/if_tun.h: _IOR('T', 210, unsigned int) and _IO('T', 227)
    public const ulong TUNGETIFF = 0x800454d2, TUNGETDEVNETNS = 0x54e3;

    [LibraryImport(Lib, EntryPoint = "setns", SetLastError = true)]
    public static partial int Setns(int fd, int nstype);
}
