using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Nezha.Verify.Tap;

/// <summary>
/// The bridge's control socket (Unix stream socket). Protocol: the client sends one line, <c>stats</c>; the
/// server answers one line of JSON (<see cref="BridgeSnapshot"/>, or <c>{"error": "..."}</c>) and closes.
/// </summary>
public sealed class ControlServer : IDisposable
{
    public const string StatsRequest = "stats";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5), SnapshotTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket _listener;
    private readonly FileIdentity _created;
    private readonly Func<Task<BridgeSnapshot>> _snapshot;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _cts = new();
    private Thread? _thread;
    private int _disposed;

    private ControlServer(string path, Socket listener, FileIdentity created, Func<Task<BridgeSnapshot>> snapshot, ILogger log)
    {
        Path = path;
        _listener = listener;
        _created = created;
        _snapshot = snapshot;
        _log = log;
    }

    public string Path { get; }

    /// <summary>The tool's own run directory: the one directory <see cref="Bind"/> creates when it is missing.</summary>
    public const string RunDirectory = "/run/nezha";

    /// <summary>The longest socket path (sockaddr_un holds 108 bytes with the terminating NUL).</summary>
    public const int MaxPathBytes = 107;

    /// <summary>
    /// What stops <see cref="Bind"/> from creating a control socket at <paramref name="path"/>, as one line naming
    /// the path; null if nothing does. A socket is created only where nothing exists, or in place of a socket
    /// nobody listens on (a connection is refused); never in place of a regular file, a symbolic link (not
    /// followed), a directory or a device. The directory must exist, unless it is <see cref="RunDirectory"/> in an
    /// existing parent. Nothing is created or changed by the check.
    /// </summary>
    public static string? PathProblem(string path) => PathProblem(path, RunDirectory);

    internal static string? PathProblem(string path, string runDirectory)
    {
        if (path.Length == 0) return "the control socket path is empty";
        if (path.EndsWith('/')) return $"{path}: names a directory, not a socket";
        path = System.IO.Path.GetFullPath(path);
        if (Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
            return $"{path}: longer than the {MaxPathBytes} bytes a socket path may have";
        FileIdentity id;
        try
        {
            id = UnixFile.Examine(path);
        }
        catch (IOException e)
        {
            return e.Message;
        }
        string dir = System.IO.Path.GetDirectoryName(path)!;
        switch (id.Kind)
        {
            case PathKind.Missing:
                if (Directory.Exists(dir)) return null;
                if (dir == runDirectory && System.IO.Path.GetDirectoryName(dir) is { } up && Directory.Exists(up)) return null;
                return $"{path}: directory {dir} does not exist (nezha creates no directory but {runDirectory})";
            case PathKind.ParentNotDirectory:
                return $"{path}: a parent of it is not a directory";
            case PathKind.Socket:
                return Probe(path) switch
                {
                    SocketError.Success => $"{path}: a process is listening on this socket (another `nezha tap`? use --prefix or --socket)",
                    SocketError.ConnectionRefused => null, // stale: its bridge is gone, Bind replaces it
                    var e => $"{path}: a socket whose owner cannot be probed ({e}); not replaced",
                };
            case PathKind.SymbolicLink:
                return $"{path}: is a symbolic link; a control socket never replaces one (and never follows it)";
            default:
                return $"{path}: is {UnixFile.Describe(id.Kind)}, not a socket; only a stale socket is ever replaced";
        }
    }

    /// <summary>
    /// Listens on <paramref name="path"/> (see <see cref="PathProblem(string)"/>): creates <see cref="RunDirectory"/>
    /// if the path is in it, replaces a stale socket, and never anything else. <see cref="Dispose"/> removes the
    /// socket only while it is still the one this call created.
    /// </summary>
    /// <exception cref="TapException">the path is not usable or cannot be bound (one line naming it).</exception>
    public static ControlServer Bind(string path, Func<Task<BridgeSnapshot>> snapshot, ILogger log) =>
        Bind(path, snapshot, log, RunDirectory);

    internal static ControlServer Bind(string path, Func<Task<BridgeSnapshot>> snapshot, ILogger log, string runDirectory)
    {
        path = System.IO.Path.GetFullPath(path);
        if (PathProblem(path, runDirectory) is { } problem) throw new TapException(problem);
        string dir = System.IO.Path.GetDirectoryName(path)!;
        if (dir == runDirectory && !Directory.Exists(dir) && Libc.Mkdir(dir, 0x1ED /* 0755 */) != 0 && Libc.Errno != Libc.EEXIST)
            throw new TapException($"{path}: cannot create {dir}: {Libc.ErrorText(Libc.Errno)}");
        // Still a socket (PathProblem found it refusing connections): remove it. unlink never follows a link.
        if (UnixFile.Examine(path).Kind == PathKind.Socket && Libc.Unlink(path) != 0 && Libc.Errno != Libc.ENOENT)
            throw new TapException($"{path}: cannot remove the stale socket: {Libc.ErrorText(Libc.Errno)}");
        Socket listener = BindUnix(path);
        FileIdentity created = UnixFile.Examine(path);
        log.LogDebug("control socket {Path} (inode {Inode})", path, created.Inode);
        return new ControlServer(path, listener, created, snapshot, log);
    }

    /// <summary>socket, bind, listen through libc: bind fails rather than replace anything that appeared at the path.</summary>
    private static unsafe Socket BindUnix(string path)
    {
        int fd = Libc.Socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) throw new TapException($"{path}: cannot create a socket: {Libc.ErrorText(Libc.Errno)}");
        var addr = new Libc.SockAddrUn { Family = Libc.AF_UNIX };
        int n = Encoding.UTF8.GetBytes(path, new Span<byte>(addr.Path, 108));
        if (Libc.Bind(fd, &addr, (uint)(sizeof(ushort) + n + 1)) != 0)
        {
            int errno = Libc.Errno;
            Libc.Close(fd);
            throw new TapException(errno == Libc.EADDRINUSE
                ? $"{path}: something was created there meanwhile; not replaced"
                : $"{path}: cannot bind: {Libc.ErrorText(errno)}");
        }
        if (Libc.Listen(fd, 8) != 0)
        {
            int errno = Libc.Errno;
            Libc.Close(fd);
            Libc.Unlink(path); // the socket file this call just created
            throw new TapException($"{path}: cannot listen: {Libc.ErrorText(errno)}");
        }
        return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
    }

    /// <summary>
    /// Success: someone listens; ConnectionRefused: a stale socket; else why it could not be told. Non-blocking:
    /// a listener whose backlog is full (it does not accept) makes a blocking connect wait for ever.
    /// </summary>
    private static SocketError Probe(string path)
    {
        try
        {
            using var c = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false };
            c.Connect(new UnixDomainSocketEndPoint(path));
            return SocketError.Success;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress or SocketError.TryAgain
                ? SocketError.Success
                : e.SocketErrorCode;
        }
    }

    public void Start()
    {
        _thread = new Thread(AcceptLoop) { IsBackground = true, Name = "nezha control socket" };
        _thread.Start();
    }

    private void AcceptLoop()
    {
        while (!_cts.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return; // closed by Dispose
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(Socket client)
    {
        using (client)
        using (var stream = new NetworkStream(client, ownsSocket: false))
        {
            string reply;
            try
            {
                string? line = await ReadLine(stream);
                if (line?.Trim() == StatsRequest)
                    reply = (await _snapshot().WaitAsync(SnapshotTimeout, _cts.Token)).ToJson();
                else
                    reply = Error($"unknown request \"{line?.Trim()}\"; the only request is \"{StatsRequest}\"");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                reply = Error(e is TimeoutException ? "the bridge did not answer in time" : e.Message);
            }
            try
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(reply + "\n"), _cts.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                _log.LogDebug("control socket: the client left: {Error}", e.Message);
            }
        }
    }

    private async Task<string?> ReadLine(NetworkStream stream)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
        cts.CancelAfter(RequestTimeout);
        var buf = new byte[256];
        int n = 0;
        while (n < buf.Length)
        {
            int r = await stream.ReadAsync(buf.AsMemory(n), cts.Token);
            if (r == 0) break;
            n += r;
            if (Array.IndexOf(buf, (byte)'\n', 0, n) >= 0) break;
        }
        string s = Encoding.UTF8.GetString(buf, 0, n);
        int nl = s.IndexOf('\n');
        return nl >= 0 ? s[..nl] : s;
    }

    /// <summary>
    /// Asks the bridge listening on <paramref name="path"/> for its counters (what <c>nezha stats</c> does).
    /// </summary>
    /// <exception cref="IOException">no bridge listens there, it did not answer, or it answered an error
    /// (one-line message naming the path).</exception>
    public static BridgeSnapshot RequestSnapshot(string path, TimeSpan? timeout = null)
    {
        if (NotASocket(path) is { } problem) throw new IOException(problem);
        if (!File.Exists(path))
            throw new IOException($"{path}: no such socket: no bridge is listening there (is `nezha tap` running? see --socket)");
        string text;
        try
        {
            using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            s.ReceiveTimeout = s.SendTimeout = (int)(timeout ?? SnapshotTimeout + RequestTimeout).TotalMilliseconds;
            s.Connect(new UnixDomainSocketEndPoint(path));
            s.Send(Encoding.UTF8.GetBytes(StatsRequest + "\n"));
            using var ms = new MemoryStream();
            var buf = new byte[65536];
            int n;
            while ((n = s.Receive(buf)) > 0) ms.Write(buf, 0, n);
            text = Encoding.UTF8.GetString(ms.ToArray()).Trim();
        }
        catch (SocketException e)
        {
            throw new IOException(e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => $"{path}: no bridge is listening there (stale socket file)",
                SocketError.TimedOut or SocketError.WouldBlock => $"{path}: the bridge did not answer in time",
                SocketError.AccessDenied => $"{path}: permission denied",
                _ => $"{path}: {e.Message}",
            });
        }
        if (text.Length == 0) throw new IOException($"{path}: the bridge closed the connection without an answer");
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && doc.RootElement.TryGetProperty("error", out var err))
                throw new IOException($"{path}: the bridge answered: {err.GetString()}");
            return BridgeSnapshot.FromJson(text);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new IOException($"{path}: not a bridge's answer: {e.Message}");
        }
    }

    /// <summary>
    /// Why <paramref name="path"/> is not a socket when something else is there (a link is followed), as one line
    /// naming it; null when it is a socket or nothing is there.
    /// </summary>
    public static string? NotASocket(string path)
    {
        FileIdentity id;
        try
        {
            id = UnixFile.Examine(path, followLinks: true);
        }
        catch (IOException e)
        {
            return e.Message;
        }
        return id.Kind is PathKind.Socket or PathKind.Missing ? null
            : id.Kind == PathKind.ParentNotDirectory ? $"{path}: a parent of it is not a directory"
            : $"{path}: is {UnixFile.Describe(id.Kind)}, not a socket";
    }

    private static string Error(string message) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = message });

    /// <summary>Stops listening and removes the socket, if what is at its path is still the socket this server created.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _cts.Cancel();
        _listener.Dispose();
        try
        {
            if (UnixFile.Examine(Path).SameFileAs(_created))
                Libc.Unlink(Path);
            else
                _log.LogWarning("control socket {Path} was replaced by someone else; left in place", Path);
        }
        catch (IOException e)
        {
            _log.LogWarning("control socket {Path} not removed: {Error}", Path, e.Message);
        }
        _thread?.Join(TimeSpan.FromSeconds(2));
    }
}
