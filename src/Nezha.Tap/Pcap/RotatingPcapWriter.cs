namespace Nezha.Verify.Pcap;

/// <summary>
/// A pcap capture kept in files of at most a size limit, named like logrotate's: <c>DIR/NAME.pcap</c> is the
/// newest, <c>NAME.1.pcap</c> the one before, up to <c>NAME.(N-1).pcap</c>, the oldest. When the next record
/// would take the current file over the limit, the oldest file is deleted, the others move up one number and a
/// new <c>NAME.pcap</c> is started. Only files this writer created are ever deleted or renamed; a file of an
/// earlier run in one of the names is replaced only when <c>replace</c> was given (a new file is renamed over it,
/// see <see cref="OutputFiles.Create"/>). A record larger than the limit still gets a file of its own.
/// </summary>
public sealed class RotatingPcapWriter : IDisposable
{
    private readonly string _directory, _name;
    private readonly long _limit;
    private readonly bool _replace;
    private readonly bool[] _ours;
    private PcapWriter? _writer;

    /// <param name="limitBytes">largest file size in bytes; 0 = no limit (one file that grows).</param>
    /// <param name="files">files kept, the current one included (at least 1).</param>
    /// <param name="replace">replace files of an earlier run in these names (else creating one that exists fails).</param>
    public RotatingPcapWriter(string directory, string name, long limitBytes, int files, bool replace)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(files, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(limitBytes);
        _directory = directory;
        _name = name;
        _limit = limitBytes;
        _replace = replace;
        _ours = new bool[files];
        _writer = Open();
    }

    /// <summary>The path of file <paramref name="index"/> (0 = the current one, higher = older).</summary>
    public static string FilePath(string directory, string name, int index) =>
        Path.Combine(directory, index == 0 ? $"{name}.pcap" : $"{name}.{index}.pcap");

    /// <summary>Every path a writer with these settings may create (for checking them before it starts).</summary>
    public static IEnumerable<string> FilePaths(string directory, string name, long limitBytes, int files) =>
        Enumerable.Range(0, limitBytes == 0 ? 1 : files).Select(i => FilePath(directory, name, i));

    /// <summary>The file being written.</summary>
    public string CurrentPath => FilePath(_directory, _name, 0);

    /// <summary>The files this writer created that exist now, newest first.</summary>
    public IReadOnlyList<string> Files =>
        Enumerable.Range(0, _ours.Length).Where(i => _ours[i]).Select(i => FilePath(_directory, _name, i)).ToList();

    public long Frames { get; private set; }

    /// <summary>How often a full file was moved aside for a new one.</summary>
    public int Rotations { get; private set; }

    public void Write(ReadOnlySpan<byte> frame, ulong timestampNs)
    {
        PcapWriter w = _writer ?? throw new ObjectDisposedException(nameof(RotatingPcapWriter));
        if (_limit > 0 && w.Count > 0 && w.Length + w.RecordLength(frame.Length) > _limit)
        {
            Rotate();
            w = _writer!;
        }
        w.Write(frame, timestampNs);
        Frames++;
    }

    public void Flush() => _writer?.Flush();

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }

    /// <summary>Closes the capture and deletes every file this writer created (a capture that was never used).</summary>
    public void Discard()
    {
        Dispose();
        for (int i = 0; i < _ours.Length; i++)
            if (_ours[i])
            {
                File.Delete(FilePath(_directory, _name, i));
                _ours[i] = false;
            }
    }

    private PcapWriter Open()
    {
        var w = new PcapWriter(OutputFiles.Create(CurrentPath, _replace));
        _ours[0] = true;
        return w;
    }

    private void Rotate()
    {
        _writer!.Dispose();
        _writer = null;
        int last = _ours.Length - 1;
        if (_ours[last])
        {
            File.Delete(FilePath(_directory, _name, last));
            _ours[last] = false;
        }
        for (int i = last - 1; i >= 0; i--)
        {
            if (!_ours[i]) continue;
            // over a file of an earlier run only with replace (the names were checked before the first file)
            File.Move(FilePath(_directory, _name, i), FilePath(_directory, _name, i + 1), overwrite: _replace);
            _ours[i + 1] = true;
            _ours[i] = false;
        }
        _writer = Open();
        Rotations++;
    }
}
