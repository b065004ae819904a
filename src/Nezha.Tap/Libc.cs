using System.Runtime.InteropServices;

namespace Nezha.Verify.Tap;

/// <summary>The few libc calls the TAP bridge needs (Linux, x86-64 and arm64 numbering).</summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc.so.6"; // glibc (Debian); "libc" may resolve to the linker script libc.so

    public const int O_RDWR = 0x0002, O_NONBLOCK = 0x0800, O_CLOEXEC = 0x80000;
    public const int EINTR = 4, EIO = 5, EAGAIN = 11, ENOENT = 2, EPERM = 1, EACCES = 13, EBUSY = 16, EINVAL = 22,
        EBADFD = 77, ENODEV = 19;
    public const short POLLIN = 0x001, POLLERR = 0x008, POLLHUP = 0x010, POLLNVAL = 0x020;
    public const int AF_INET = 2, SOCK_DGRAM = 2;

    // linux/if_tun.h
    public const ulong TUNSETIFF = 0x400454ca;
    public const short IFF_TAP = 0x0002, IFF_NO_PI = 0x1000;
    // linux/sockios.h
    public const ulong SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914, SIOCSIFMTU = 0x8922, SIOCSIFHWADDR = 0x8924;
    public const short IFF_UP = 0x1;
    public const ushort ARPHRD_ETHER = 1;
    public const int IFNAMSIZ = 16;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>struct ifreq: the name and a 24-byte union (flags, mtu, hardware address ...).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 40)]
    public struct IfReq
    {
        [FieldOffset(0)] public fixed byte Name[IFNAMSIZ];
        [FieldOffset(16)] public short Flags;
        [FieldOffset(16)] public int Mtu;
        [FieldOffset(16)] public ushort HwFamily;
        [FieldOffset(18)] public fixed byte HwAddr[14];
    }

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buf, nuint count);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buf, nuint count);

    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, ulong request, IfReq* arg);

    [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint nfds, int timeoutMs);

    [LibraryImport(Lib, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport(Lib, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Lib, EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    [LibraryImport(Lib, EntryPoint = "strerror")]
    private static partial nint StrError(int errnum);

    public static int Errno => Marshal.GetLastPInvokeError();

    public static string ErrorText(int errno) => (Marshal.PtrToStringUTF8(StrError(errno)) ?? $"errno {errno}") + $" (errno {errno})";

    public static void SetName(ref IfReq r, string name)
    {
        if (name.Length >= IFNAMSIZ) throw new ArgumentException($"interface name \"{name}\" is longer than {IFNAMSIZ - 1} characters");
        fixed (byte* p = r.Name)
        {
            for (int i = 0; i < IFNAMSIZ; i++) p[i] = 0;
            for (int i = 0; i < name.Length; i++) p[i] = (byte)name[i];
        }
    }

    public static string GetName(ref IfReq r)
    {
        fixed (byte* p = r.Name)
            return Marshal.PtrToStringUTF8((nint)p) ?? "";
    }
}
