namespace Nezha.Verify.Pcap;

/// <summary>
/// A new file written under a temporary name beside its final path (<c>.NAME.PID-RANDOM.tmp</c>) and put in
/// place by <see cref="Commit"/> with one rename: until then whatever is at the path is untouched, and a run that
/// fails leaves nothing behind (<see cref="Dispose"/> deletes the temporary file).
/// </summary>
public sealed class PendingFile : IDisposable
{
    private bool _committed;

    private PendingFile(string path, string tempPath, FileStream stream)
    {
        Path = path;
        TempPath = tempPath;
        Stream = stream;
    }

    /// <summary>The final path.</summary>
    public string Path { get; }

    /// <summary>Where the file is until <see cref="Commit"/>.</summary>
    public string TempPath { get; }

    public FileStream Stream { get; }

    /// <summary>Creates the temporary file (it must not exist) in the directory of <paramref name="path"/>.</summary>
    public static PendingFile Create(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        string temp = TempPathFor(full);
        return new PendingFile(full, temp, new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16));
    }

    /// <summary>A fresh temporary name beside <paramref name="path"/>: <c>DIR/.NAME.PID-RANDOM.tmp</c>.</summary>
    public static string TempPathFor(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        return System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!,
            $".{System.IO.Path.GetFileName(full)}.{Environment.ProcessId}-{Random.Shared.Next():x8}.tmp");
    }

    /// <summary>
    /// Renames the file to its final path (the stream stays usable). Without <paramref name="replace"/> nothing
    /// may be there; with it, what is there is replaced — the directory entry, never written through (rename(2)
    /// follows no link; a directory is not replaced).
    /// </summary>
    /// <exception cref="IOException">something is at the path (and not <paramref name="replace"/>), or it is a directory.</exception>
    public void Commit(bool replace)
    {
        Stream.Flush();
        File.Move(TempPath, Path, overwrite: replace);
        _committed = true;
    }

    /// <summary>Closes the stream; deletes the temporary file unless it was committed.</summary>
    public void Dispose()
    {
        Stream.Dispose();
        if (!_committed) File.Delete(TempPath);
    }
}
