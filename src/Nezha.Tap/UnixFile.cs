namespace Nezha.Verify.Tap;

/// <summary>What sits at a path.</summary>
internal enum PathKind { Missing, Socket, RegularFile, Directory, SymbolicLink, Other, ParentNotDirectory }

/// <summary>The kind of a path and, when something is there, which file it is (device and inode).</summary>
internal readonly record struct FileIdentity(PathKind Kind, ulong Device, ulong Inode)
{
    public bool SameFileAs(FileIdentity other) => Kind == other.Kind && Device == other.Device && Inode == other.Inode;
}

/// <summary>File types as the kernel sees them (.NET's file APIs do not tell a socket from a regular file).</summary>
internal static unsafe class UnixFile
{
    /// <summary>
    /// The file at <paramref name="path"/>; with <paramref name="followLinks"/> false a final symbolic link is
    /// reported as itself (lstat), not as its target.
    /// </summary>
    /// <exception cref="IOException">the path cannot be examined (e.g. permission denied), naming it.</exception>
    public static FileIdentity Examine(string path, bool followLinks = false)
    {
        Libc.Statx st;
        int flags = followLinks ? 0 : Libc.AT_SYMLINK_NOFOLLOW;
        if (Libc.StatxCall(Libc.AT_FDCWD, path, flags, Libc.STATX_TYPE | Libc.STATX_INO, &st) != 0)
        {
            int errno = Libc.Errno;
            return errno switch
            {
                Libc.ENOENT => new FileIdentity(PathKind.Missing, 0, 0),
                Libc.ENOTDIR => new FileIdentity(PathKind.ParentNotDirectory, 0, 0),
                _ => throw new IOException($"{path}: cannot examine: {Libc.ErrorText(errno)}"),
            };
        }
        PathKind kind = (st.Mode & Libc.S_IFMT) switch
        {
            Libc.S_IFSOCK => PathKind.Socket,
            Libc.S_IFREG => PathKind.RegularFile,
            Libc.S_IFDIR => PathKind.Directory,
            Libc.S_IFLNK => PathKind.SymbolicLink,
            _ => PathKind.Other,
        };
        return new FileIdentity(kind, ((ulong)st.DevMajor << 32) | st.DevMinor, st.Ino);
    }

    /// <summary>"a regular file", "a directory" ... for messages.</summary>
    public static string Describe(PathKind kind) => kind switch
    {
        PathKind.Socket => "a socket",
        PathKind.RegularFile => "a regular file",
        PathKind.Directory => "a directory",
        PathKind.SymbolicLink => "a symbolic link",
        PathKind.Other => "a device or FIFO",
        _ => "nothing",
    };
}
