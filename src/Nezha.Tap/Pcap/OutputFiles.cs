using Nezha.Verify.Tap;

namespace Nezha.Verify.Pcap;

/// <summary>
/// The rules for the files the tools write (they run as root). An output directory is used if it exists, or
/// created if only its last level is missing — never a chain of parents. A file is created only where nothing
/// exists; when the user asked to replace what is there, a new file is renamed over it, so nothing is ever
/// written through a symbolic link or into a device, and a directory is never replaced. Nothing is deleted that
/// was not created by the caller. Problems are one line naming the path, for the caller to prefix with its option.
/// </summary>
public static class OutputFiles
{
    private const int EEXIST = 17;

    /// <summary>
    /// Why <paramref name="dir"/> cannot be an output directory, or null: it must be a directory, or be missing
    /// in an existing directory (then <see cref="PrepareDirectory"/> creates it). Creates nothing.
    /// </summary>
    public static string? DirectoryProblem(string dir)
    {
        if (dir.Length == 0) return "empty path";
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
        if (Directory.Exists(full)) return null;
        if (Exists(full)) return $"{dir} is not a directory";
        string? parent = Path.GetDirectoryName(full);
        if (parent is null || Directory.Exists(parent)) return null;
        if (Exists(parent)) return $"{dir}: {parent} is not a directory";
        return $"{dir}: the directory {parent} does not exist (only the last level of a path is created)";
    }

    /// <summary>
    /// Creates <paramref name="dir"/> if it is missing (that level only) and checks that files can be created in it
    /// (a probe file, created and removed). Returns true if it created the directory. If the check fails, a
    /// directory created here is removed again.
    /// </summary>
    /// <exception cref="IOException">the directory is not usable; one line naming it and the reason.</exception>
    public static bool PrepareDirectory(string dir)
    {
        if (DirectoryProblem(dir) is { } problem) throw new IOException(problem);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
        bool created = false;
        if (!Directory.Exists(full))
        {
            if (Libc.Mkdir(full, 0x1FF) == 0) created = true; // 0777 less the umask, as mkdir(1)
            else
            {
                int e = Libc.Errno;
                if (e != EEXIST || !Directory.Exists(full)) // EEXIST: made meanwhile, and it is a directory: use it
                    throw new IOException($"{dir}: cannot create the directory: {Libc.ErrorText(e)}");
            }
        }
        string probe = Path.Combine(full, $".nezha-probe-{Environment.ProcessId}-{Random.Shared.Next():x8}");
        int fd = Libc.OpenCreate(probe, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0x180);
        if (fd < 0)
        {
            int e = Libc.Errno;
            if (created) Directory.Delete(full);
            throw new IOException($"{dir}: cannot create files there: {Libc.ErrorText(e)}");
        }
        Libc.Close(fd);
        File.Delete(probe);
        return created;
    }

    /// <summary>
    /// Why <paramref name="path"/> cannot be created, or null: something is there and <paramref name="replace"/> is
    /// false, or it is a directory. Creates nothing.
    /// </summary>
    public static string? FileProblem(string path, bool replace)
    {
        if (!Exists(path)) return null;
        if (!replace) return $"{path} already exists (--force replaces it)";
        if (Directory.Exists(path) && !IsLink(path)) return $"{path} is a directory; not replaced";
        return null;
    }

    /// <summary>
    /// Creates <paramref name="path"/> for writing. Without <paramref name="replace"/> it must not exist (not even
    /// as a dangling link); with it, a new file is created beside it and renamed over whatever is there.
    /// </summary>
    public static FileStream Create(string path, bool replace)
    {
        if (!replace) return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16);
        var pending = PendingFile.Create(path);
        try
        {
            pending.Commit(replace: true);
        }
        catch
        {
            pending.Dispose();
            throw;
        }
        return pending.Stream;
    }

    /// <summary>Whether anything (a file, directory, link — also a dangling one — device ...) is at <paramref name="path"/>.</summary>
    public static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || IsLink(path);

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;
}
