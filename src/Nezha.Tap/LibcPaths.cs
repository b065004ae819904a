using System.Runtime.InteropServices;

namespace Nezha.Verify.Tap;

/// <summary>The libc calls behind output paths: an exclusive create (mkdir is in LibcFiles.cs), with their errno.</summary>
internal static partial class Libc
{
    public const int O_WRONLY = 0x0001, O_CREAT = 0x0040, O_EXCL = 0x0080, O_NOFOLLOW = 0x20000;

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenCreate(string path, int flags, uint mode);
}
