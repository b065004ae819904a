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
    private readonly Func<Task<BridgeSnapshot>> _snapshot;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _cts = new();
    private Thread? _thread;
    private int _disposed;

    private ControlServer(string path, Socket listener, Func<Task<BridgeSnapshot>> snapshot, ILogger log)
    {
        Path = path;
        _listener = listener;
        _snapshot = snapshot;
        _log = log;
    }

    public string Path { get; }

    /// <summary>Binds <paramref name="path"/> (creating its directory; replacing a stale socket file).</summary>
    /// <exception cref="TapException">another process listens there, or the path cannot be bound.</exception>
    public static ControlServer Bind(string path, Func<Task<BridgeSnapshot>> snapshot, ILogger log)
    {
        path = System.IO.Path.GetFullPath(path);
        if (File.Exists(path) || Directory.Exists(path))
        {
            if (Directory.Exists(path)) throw new TapException($"{path}: is a directory, not a socket path");
            if (TryConnect(path)) throw new TapException($"{path}: another bridge is listening on this socket (use --prefix or --socket)");
            File.Delete(path); // stale: its bridge is gone
        }
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            s.Bind(new UnixDomainSocketEndPoint(path));
            s.Listen(8);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            s.Dispose();
            throw new TapException($"{path}: cannot listen: {e.Message}");
        }
        return new ControlServer(path, s, snapshot, log);
    }

    private static bool TryConnect(string path)
    {
        try
        {
            using var c = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            c.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
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

    private static string Error(string message) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = message });

    /// <summary>Stops listening and removes the socket file.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _cts.Cancel();
        _listener.Dispose();
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
        _thread?.Join(TimeSpan.FromSeconds(2));
    }
}
