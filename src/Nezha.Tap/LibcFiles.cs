using System.Runtime.InteropServices;

namespace Nezha.Verify.Tap;

/// <summary>
/// The libc calls behind the control socket's path checks: <c>statx</c> without following links (its layout is
/// the same on every architecture, unlike <c>struct stat</c>), <c>unlink</c>, <c>mkdir</c> (one level), and a Unix socket bound by
/// <c>bind</c> itself (a socket bound by <see cref="System.Net.Sockets.Socket.Bind"/> deletes whatever then sits
/// at its path when it is disposed).
/// </summary>
internal static unsafe partial class Libc
{
    public const int ENOTDIR = 20, EEXIST = 17, EADDRINUSE = 98, ECONNREFUSED = 111;
    public const int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = 0x80000;
    public const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100;
    public const uint STATX_TYPE = 0x1, STATX_INO = 0x100;
    public const int S_IFMT = 0xF000, S_IFSOCK = 0xC000, S_IFLNK = 0xA000, S_IFREG = 0x8000, S_IFDIR = 0x4000;

    /// <summary>struct statx (linux/stat.h): the fields used here; 256 bytes in all.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    public struct Statx
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Ino;
        [FieldOffset(136)] public uint DevMajor;
        [FieldOffset(140)] public uint DevMinor;
    }

    /// <summary>struct sockaddr_un: the family and a 108-byte path.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockAddrUn
    {
        public ushort Family;
        public fixed byte Path[108];
    }

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int StatxCall(int dirfd, string path, int flags, uint mask, Statx* buf);

    [LibraryImport(Lib, EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Unlink(string path);

    [LibraryImport(Lib, EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mkdir(string path, uint mode);

    [LibraryImport(Lib, EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, SockAddrUn* addr, uint len);

    [LibraryImport(Lib, EntryPoint = "listen", SetLastError = true)]
    public static partial int Listen(int fd, int backlog);
}
