using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nezha.Driver;
using Nezha.Driver.Config;
using Nezha.Common.Registers;
using Nezha.Verify.Pcap;
using Nezha.Verify.Sim;

namespace Nezha.Verify.Tap;

/// <summary>
/// Bridges the simulated card to Linux TAP devices: one per enabled vNIC (<c>PREFIXvID</c>, the VM's NIC, with
/// the vNIC's MAC) and one for the underlay (<c>PREFIXul</c>, the port of the next-hop router, with the
/// configured next-hop MAC). Frames the kernel sends on a device go into the card (host port with
/// tuser = vNIC id, or the net port); frames the card emits are written to the device of the vNIC in tuser,
/// or to the underlay. Exceptions (m_host frames with a reason) go to the bridge, which plays the host's
/// software: it counts them and answers ARP requests for the VTEP address that arrive on the underlay.
/// <para>
/// One thread runs <see cref="Run"/>: poll() on every device, read what is ready, step the model while it is
/// busy, write what came out; in between, one tick pulse per tick period of wall time (external tick,
/// TICK_CYCLES = 0), so session timeouts run in real time. Everything else (<see cref="Stop"/>,
/// <see cref="SnapshotAsync"/>) may be called from any thread.
/// </para>
/// </summary>
public sealed class TapBridge : IDisposable
{
    private const int Net = SimNic.PortNet, Host = SimNic.PortHost;
    private const int ReadBudget = 64;          // frames read from one device per loop iteration
    private const int FrameBuffer = 65536;
    private const long MaxTickCatchUp = 10_000; // pulses issued at once after a stall; older ones are dropped
    private const int IdleWakeMs = 20;          // while idle, due tick pulses are issued in batches this often

    private readonly TapBridgeOptions _o;
    private readonly ILogger _log;
    private readonly BridgeEngine _engine;
    private readonly List<Port> _ports;
    private readonly Dictionary<int, Port> _byVnic = [];
    private readonly Port _underlay;
    private readonly int _vnicWidth;
    private readonly uint _vnicMask;
    private readonly long[] _exceptions = new long[256];
    private readonly ConcurrentQueue<TaskCompletionSource<BridgeSnapshot>> _requests = new();
    private readonly ManualResetEventSlim _runExited = new(true);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly int[] _wake = [-1, -1];
    private ControlServer? _control;
    private volatile bool _stop;
    private int _running;
    private bool _disposed;
    private long _arpReplies, _undeliverable, _ticksIssued, _ticksDropped;
    private readonly long _tickPeriod; // Stopwatch ticks per card tick, 0 = no external tick
    private long _nextFlush;
    private BridgeSnapshot? _final;

    /// <summary>One TAP device and what it is attached to.</summary>
    private sealed class Port(TapDevice tap, int vnic, RotatingPcapWriter? capture)
    {
        public TapDevice Tap { get; } = tap;
        /// <summary>vNIC id, or -1 for the underlay.</summary>
        public int Vnic { get; } = vnic;
        public bool IsUnderlay => Vnic < 0;
        /// <summary>The capture; null without one, or after writing it failed.</summary>
        public RotatingPcapWriter? Capture = capture;
        public string? CapturePath { get; } = capture?.CurrentPath;
        public bool Alive = true;
        public long FramesIn, BytesIn, FramesOut, BytesOut, WriteErrors, Deferred, Unwritten;
        /// <summary>The kernel's drop counters when the bridge created the device, and as last read.</summary>
        public DeviceDrops KernelBase;
        public DeviceDrops? KernelLast;
    }

    private TapBridge(TapBridgeOptions o, ILogger log, BridgeEngine engine, List<Port> ports, ControlServer? control, string clock, long tickPeriod)
    {
        _o = o;
        _log = log;
        _engine = engine;
        _ports = ports;
        _control = control;
        ClockDescription = clock;
        _tickPeriod = tickPeriod;
        _underlay = ports.Single(p => p.IsUnderlay);
        foreach (Port p in ports.Where(p => !p.IsUnderlay))
            _byVnic[p.Vnic] = p;
        _vnicWidth = engine.Sim.VnicWidth;
        _vnicMask = (1u << _vnicWidth) - 1;
        _engine.OnOutput = Deliver;
        unsafe
        {
            fixed (int* w = _wake)
                if (Libc.Pipe2(w, Libc.O_NONBLOCK | Libc.O_CLOEXEC) < 0)
                    throw new TapException($"pipe2: {Libc.ErrorText(Libc.Errno)}");
        }
    }

    // ------------------------------------------------------------------ setup

    /// <summary>The device name of vNIC <paramref name="id"/>.</summary>
    public static string VnicDeviceName(string prefix, int id) => $"{prefix}v{id}";

    public static string UnderlayDeviceName(string prefix) => $"{prefix}ul";

    /// <summary>The MTU of a vNIC's device: the largest IP packet of a VM frame the card takes (VM_MTU, a frame
    /// length, less the 14-byte Ethernet header; by default mtu - 50 - 14, so it fits the underlay encapsulated).</summary>
    public static int VnicMtu(NicConfig c) => c.Global.EffectiveVmMtu - 14;

    /// <summary>The MTU of the underlay device: the largest IP packet of an underlay frame (MTU less 14).</summary>
    public static int UnderlayMtu(NicConfig c) => c.Global.Mtu - 14;

    /// <summary>Device names the options would create, in creation order (vNICs by id, then the underlay).</summary>
    public static IReadOnlyList<string> DeviceNames(TapBridgeOptions o) =>
        o.Config.Vnics.Where(v => v.Entry.Enabled).OrderBy(v => v.Id).Select(v => VnicDeviceName(o.Prefix, v.Id))
            .Append(UnderlayDeviceName(o.Prefix)).ToList();

    /// <summary>
    /// Checks the options without creating anything. <see cref="ArgumentException"/>: an option or the config
    /// does not fit (the message names it); <see cref="TapException"/>: a device name is taken.
    /// </summary>
    public static void Validate(TapBridgeOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Prefix.Length is 0 or > TapBridgeOptions.MaxPrefixLength
            || !TapDevice.IsValidName(o.Prefix) || o.Prefix.Contains('.'))
            throw new ArgumentException($"--prefix: \"{o.Prefix}\" is not 1..{TapBridgeOptions.MaxPrefixLength} characters of [A-Za-z0-9_-]");
        if (double.IsNaN(o.ClockMhz) || o.ClockMhz <= 0 || o.ClockMhz > 100_000)
            throw new ArgumentException($"--clock-mhz: {o.ClockMhz} is not a clock frequency");
        if (o.MaxPendingFrames < 1) throw new ArgumentException("MaxPendingFrames must be at least 1");
        if (o.StepCycles < 1) throw new ArgumentException("StepCycles must be at least 1");
        if (VnicMtu(o.Config) < 68)
            throw new ArgumentException($"global.vmMtu: {o.Config.Global.EffectiveVmMtu} leaves a VM MTU of {VnicMtu(o.Config)} (vmMtu - 14, vmMtu = mtu - 50 by default); TAP devices need at least 68, so vmMtu >= 82");
        foreach (VnicConfig v in o.Config.Vnics.Where(v => v.Entry.Enabled))
            CheckDeviceMac(v.Entry.Mac, $"vnics: vNIC {v.Id} mac");
        CheckDeviceMac(o.Config.Global.NextHopMac, "global.nextHopMac");
        var names = DeviceNames(o);
        foreach (string n in names)
        {
            if (!TapDevice.IsValidName(n)) throw new ArgumentException($"--prefix: device name \"{n}\" is not a valid interface name");
            if (TapDevice.Exists(n)) throw new TapException($"{n}: an interface with this name already exists");
        }
        if (o.ControlSocket is { } s && s.Length > 107)
            throw new ArgumentException($"--socket: {s} is longer than a Unix socket path may be (107 bytes)");
        if (o.CaptureDirectory is { } dir)
        {
            if (o.CaptureFiles is < 1 or > TapBridgeOptions.MaxCaptureFiles)
                throw new ArgumentException($"--capture-files: {o.CaptureFiles} is not 1..{TapBridgeOptions.MaxCaptureFiles}");
            if (o.CaptureLimitBytes < 0) throw new ArgumentException($"--capture-limit: {o.CaptureLimitBytes} bytes is negative");
            if (OutputFiles.DirectoryProblem(dir) is { } problem) throw new ArgumentException($"--capture: {problem}");
            foreach (string path in names.SelectMany(n => CapturePaths(o, n)))
                if (OutputFiles.FileProblem(path, o.ReplaceCaptures) is { } fileProblem) throw new ArgumentException($"--capture: {fileProblem}");
        }
    }

    /// <summary>Every capture file the bridge may write for device <paramref name="device"/> (the rotation's names).</summary>
    public static IEnumerable<string> CapturePaths(TapBridgeOptions o, string device) =>
        o.CaptureDirectory is { } dir
            ? RotatingPcapWriter.FilePaths(Path.GetFullPath(dir), device, o.CaptureLimitBytes, o.CaptureFiles)
            : [];

    private static void CheckDeviceMac(ulong mac, string what)
    {
        // it becomes a device's MAC: the kernel takes only unicast, non-zero addresses
        if (mac == 0 || (mac >> 40 & 1) != 0)
            throw new ArgumentException($"{what}: {NetFormat.Mac(mac)} is not a unicast MAC address, which a TAP device needs");
    }

    /// <summary>
    /// Validates, builds and programs the simulated card, binds the control socket, then creates the devices
    /// (each with its MAC and MTU, up). On any failure everything created so far is removed again.
    /// </summary>
    public static TapBridge Create(TapBridgeOptions o, ILoggerFactory? loggers = null)
    {
        Validate(o);
        loggers ??= NullLoggerFactory.Instance;
        ILogger log = loggers.CreateLogger("nezha.tap");
        NicConfig cfg = o.Config;

        BridgeEngine? engine = null;
        ControlServer? control = null;
        var ports = new List<Port>();
        try
        {
            engine = BridgeEngine.Create(o.Build, o.Check, o.Seed);
            engine.Driver.Discover();
            engine.Driver.Apply(cfg);
            if (engine.Errors.Count > 0)
                throw new InvalidOperationException("RTL and golden model disagree while programming: " + engine.Errors[0]);
            (string clock, long period) = SetUpClock(engine, o, log);
            log.LogInformation("card w{Width} programmed: {Vnics} vNICs, {Routes} routes, {Maps} mappings; {Clock}; golden-model check {Check}",
                engine.Sim.DataWidth, cfg.Vnics.Count(v => v.Entry.Enabled), cfg.Routes.Count, cfg.Mappings.Count, clock, o.Check ? "on" : "off");

            if (o.CaptureDirectory is { } dir) OutputFiles.PrepareDirectory(dir); // the last level at most; checked by Validate
            var devices = cfg.Vnics.Where(v => v.Entry.Enabled).OrderBy(v => v.Id)
                .Select(v => (Name: VnicDeviceName(o.Prefix, v.Id), Vnic: v.Id, Mac: v.Entry.Mac, Mtu: VnicMtu(cfg)))
                .Append((Name: UnderlayDeviceName(o.Prefix), Vnic: -1, Mac: cfg.Global.NextHopMac, Mtu: UnderlayMtu(cfg)))
                .ToList();
            var bridgeRef = new TapBridge[1];
            if (o.ControlSocket is { } sock)
                control = ControlServer.Bind(sock, () => bridgeRef[0].SnapshotAsync(), log);
            foreach (var d in devices)
            {
                TapDevice tap = CreateDevice(d.Name);
                RotatingPcapWriter? w = null;
                try
                {
                    // The card drops IPv6 (UNSUPPORTED): keep the kernel from sending it while the device is here.
                    tap.Configure(d.Mac, d.Mtu, up: true, disableIpv6: true);
                    if (o.CaptureDirectory is { } cd)
                        w = new RotatingPcapWriter(Path.GetFullPath(cd), d.Name, o.CaptureLimitBytes, o.CaptureFiles, o.ReplaceCaptures);
                }
                catch
                {
                    tap.Dispose();
                    throw;
                }
                ports.Add(new Port(tap, d.Vnic, w));
                log.LogInformation("{Device}: {Role}, MAC {Mac}, MTU {Mtu}", d.Name,
                    d.Vnic < 0 ? "underlay (next-hop port)" : $"vNIC {d.Vnic}", NetFormat.Mac(d.Mac), d.Mtu);
            }
            // a new device starts at zero; read anyway, so the counts are exactly those since the bridge made it
            DeviceDrops?[] drops = KernelCounters.Read(ports.Select(p => p.Tap).ToList());
            for (int i = 0; i < ports.Count; i++) ports[i].KernelBase = drops[i] ?? default;
            var bridge = new TapBridge(o, log, engine, ports, control, clock, period);
            bridgeRef[0] = bridge;
            control?.Start();
            return bridge;
        }
        catch
        {
            foreach (Port p in ports)
            {
                p.Tap.Dispose();
                p.Capture?.Discard(); // its files were made by this call and hold nothing yet
            }
            control?.Dispose();
            engine?.Dispose();
            throw;
        }
    }

    /// <summary>How devices are created (tests replace it to make a later device fail).</summary>
    internal static Func<string, TapDevice> CreateDevice = TapDevice.Create;

    private static (string Description, long Period) SetUpClock(BridgeEngine engine, TapBridgeOptions o, ILogger log)
    {
        int tickCycles = o.Config.Global.TickCycles;
        double tickSeconds = tickCycles / (o.ClockMhz * 1e6);
        if (o.RealTimeTicks)
        {
            // External tick: the tick counter moves only on tick_in pulses, which the loop issues in wall time.
            if (engine.Bus.Write32(NezhaRegs.CONFIG_TICK_CYCLES, 0) == RegResp.Okay)
            {
                long period = Math.Max(1, (long)Math.Round(tickSeconds * Stopwatch.Frequency));
                return ($"real time: one tick pulse every {FormatSeconds(tickSeconds)} ({tickCycles} cycles at {o.ClockMhz} MHz)", period);
            }
            log.LogWarning("the core refused TICK_CYCLES = 0 (no external tick in this build): session timeouts follow simulated cycles");
            engine.Bus.Write32(NezhaRegs.CONFIG_TICK_CYCLES, (uint)tickCycles);
        }
        // Without the external tick the free-running tick counts simulated cycles, which only run while the
        // card is busy: session timeouts then take (much) longer than their wall-clock value.
        return ($"simulated cycles: TICK_CYCLES = {tickCycles}, cycles run only while the card is busy", 0);
    }

    private static string FormatSeconds(double s) =>
        s >= 1 ? $"{s:0.###} s" : s >= 1e-3 ? $"{s * 1e3:0.###} ms" : $"{s * 1e6:0.###} µs";

    // ------------------------------------------------------------------ properties

    /// <summary>How the tick is driven (for the start banner).</summary>
    public string ClockDescription { get; }

    /// <summary>True when session timeouts run in wall-clock time (external tick pulses).</summary>
    public bool RealTime => _tickPeriod > 0;

    public IReadOnlyList<string> Devices => _ports.Select(p => p.Tap.Name).ToList();

    public string UnderlayDevice => _underlay.Tap.Name;

    public string VnicDevice(int id) => _byVnic[id].Tap.Name;

    /// <summary>The current capture file of each device (older ones are rotated to DEVICE.1.pcap ...), empty without a capture directory.</summary>
    public IReadOnlyList<string> CaptureFiles => _ports.Where(p => p.CapturePath != null).Select(p => p.CapturePath!).ToList();

    public string? ControlSocketPath => _control?.Path;

    /// <summary>The counters as the loop ended (null before <see cref="Run"/> returned).</summary>
    public BridgeSnapshot? FinalSnapshot => _final;

    // ------------------------------------------------------------------ control

    /// <summary>Makes <see cref="Run"/> return (from any thread, also a signal handler).</summary>
    public void Stop()
    {
        _stop = true;
        Wake();
    }

    /// <summary>
    /// The counters, taken by the loop between two steps with the card idle (so they are consistent, and in
    /// check mode compared with the golden model). After the loop ended: the final counters.
    /// </summary>
    public Task<BridgeSnapshot> SnapshotAsync()
    {
        var tcs = new TaskCompletionSource<BridgeSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_requests)
        {
            if (_final is { } f) tcs.SetResult(f);
            else
            {
                _requests.Enqueue(tcs);
                Wake();
            }
        }
        return tcs.Task;
    }

    private void Wake()
    {
        int fd = _wake[1];
        if (fd < 0) return;
        unsafe
        {
            byte b = 1;
            Libc.Write(fd, &b, 1); // a full pipe already wakes the loop
        }
    }

    // ------------------------------------------------------------------ the loop

    /// <summary>Runs until <see cref="Stop"/> (or <paramref name="cancel"/>); then takes the final snapshot.</summary>
    public void Run(CancellationToken cancel = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _running, 1) != 0) throw new InvalidOperationException("the bridge is already running");
        _runExited.Reset();
        using CancellationTokenRegistration reg = cancel.Register(Stop);
        try
        {
            Loop();
            BridgeSnapshot final = TakeSnapshot();
            lock (_requests)
            {
                _final = final;
                while (_requests.TryDequeue(out var r)) r.TrySetResult(final);
            }
            FlushCaptures();
        }
        catch (Exception e)
        {
            lock (_requests)
                while (_requests.TryDequeue(out var r)) r.TrySetException(e);
            throw;
        }
        finally
        {
            _runExited.Set();
        }
    }

    private unsafe void Loop()
    {
        SimNic sim = _engine.Sim;
        var fds = new Libc.PollFd[1 + _ports.Count];
        var buffer = new byte[FrameBuffer];
        long tickEpoch = _clock.ElapsedTicks;
        int rotate = 0;
        _nextFlush = _clock.ElapsedTicks + Stopwatch.Frequency;
        _log.LogInformation("bridging {Devices}", string.Join(", ", _ports.Select(p => p.Tap.Name)));

        while (!_stop)
        {
            bool busy = !sim.IsIdle;
            int timeout = busy ? 0 : IdleTimeoutMs(tickEpoch);
            fds[0] = new Libc.PollFd { Fd = _wake[0], Events = Libc.POLLIN };
            for (int i = 0; i < _ports.Count; i++)
                fds[i + 1] = new Libc.PollFd { Fd = _ports[i].Alive ? _ports[i].Tap.Fd : -1, Events = Libc.POLLIN };
            int n;
            fixed (Libc.PollFd* p = fds) n = Libc.Poll(p, (nuint)fds.Length, timeout);
            if (n < 0 && Libc.Errno != Libc.EINTR)
                throw new TapException($"poll: {Libc.ErrorText(Libc.Errno)}");

            if (n > 0 && (fds[0].Revents & Libc.POLLIN) != 0)
                fixed (byte* drain = buffer)
                    while (Libc.Read(_wake[0], drain, 64) > 0) { }
            if (_stop) break;
            ServeRequests();

            // Tick pulses due by now are driven before new frames enter, so a frame is processed at the tick of
            // its arrival; while idle they come in batches (nothing in the card looks at the tick meanwhile
            // except the sweeper, which gets a few cycles per tick).
            uint tickCycles = IssueTicks(tickEpoch);
            if (tickCycles > 0) _engine.Step(tickCycles);

            // frames from the kernel into the card (start with a different device each time: fairness on the host port)
            for (int k = 0; k < _ports.Count && n > 0; k++)
            {
                int i = (k + rotate) % _ports.Count;
                Port port = _ports[i];
                short ev = fds[i + 1].Revents;
                if (!port.Alive || ev == 0) continue;
                if ((ev & Libc.POLLIN) != 0) ReadFrames(port, buffer);
                else if ((ev & (Libc.POLLERR | Libc.POLLHUP | Libc.POLLNVAL)) != 0) Lost(port, $"poll reported 0x{ev:X}");
            }
            rotate++;

            if (!sim.IsIdle) _engine.Step(_o.StepCycles);

            if (_clock.ElapsedTicks >= _nextFlush)
            {
                FlushCaptures();
                _nextFlush = _clock.ElapsedTicks + Stopwatch.Frequency;
            }
        }
        _log.LogInformation("stopping");
    }

    /// <summary>poll() timeout while the card is idle: until the next tick is due but at least
    /// <see cref="IdleWakeMs"/>; at most a second (capture flush).</summary>
    private int IdleTimeoutMs(long tickEpoch)
    {
        if (_tickPeriod == 0) return 1000;
        long due = tickEpoch + (_ticksIssued + _ticksDropped + 1) * _tickPeriod;
        long wait = due - _clock.ElapsedTicks;
        return (int)Math.Clamp((wait * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency, IdleWakeMs, 1000);
    }

    /// <summary>Queues the tick pulses that are due; returns the cycles to run for them (one per pulse plus
    /// <see cref="TapBridgeOptions.SweepCycles"/> per pulse for the sweeper), 0 if none are due.</summary>
    private uint IssueTicks(long tickEpoch)
    {
        if (_tickPeriod == 0) return 0;
        long due = (_clock.ElapsedTicks - tickEpoch) / _tickPeriod;
        long owed = due - _ticksIssued - _ticksDropped;
        if (owed <= 0) return 0;
        if (owed > MaxTickCatchUp)
        {
            _log.LogWarning("the bridge fell {Owed} ticks behind wall time; dropping {Dropped} of them", owed, owed - MaxTickCatchUp);
            _ticksDropped += owed - MaxTickCatchUp;
            owed = MaxTickCatchUp;
        }
        for (long i = 0; i < owed; i++) _engine.Sim.TickPulse();
        _ticksIssued += owed;
        return (uint)(owed * (1 + _o.SweepCycles));
    }

    private void ReadFrames(Port port, byte[] buffer)
    {
        int input = port.IsUnderlay ? Net : Host;
        uint tuser = port.IsUnderlay ? 0u : (uint)port.Vnic;
        for (int k = 0; k < ReadBudget; k++)
        {
            if (_engine.Sim.PendingInput(input) >= _o.MaxPendingFrames)
            {
                port.Deferred++;
                return;
            }
            int len;
            try
            {
                len = port.Tap.Read(buffer);
            }
            catch (TapException e)
            {
                Lost(port, e.Message);
                return;
            }
            if (len == 0) return;
            port.FramesIn++;
            port.BytesIn += len;
            _engine.Push(input, buffer.AsSpan(0, len).ToArray(), tuser);
        }
    }

    private void Lost(Port port, string why)
    {
        port.Alive = false;
        _log.LogWarning("{Device} is gone ({Why}); no longer bridged", port.Tap.Name, why);
    }

    // ------------------------------------------------------------------ output

    /// <summary>Every frame the card emits (called by the engine on the loop thread).</summary>
    private void Deliver(SimFrame f)
    {
        if (f.Port == Net)
        {
            Write(_underlay, f.Data);
            return;
        }
        int vnic = (int)(f.TUser & _vnicMask);
        int reason = (int)((f.TUser >> _vnicWidth) & 0xFF);
        if (reason == 0)
        {
            if (_byVnic.TryGetValue(vnic, out Port? p)) Write(p, f.Data);
            else
            {
                _undeliverable++;
                _log.LogDebug("frame for vNIC {Vnic}, which has no device, dropped", vnic);
            }
            return;
        }
        // An exception: the frame is for the host's software, which is us.
        _exceptions[reason]++;
        if (_log.IsEnabled(LogLevel.Debug))
            _log.LogDebug("exception {Reason} (vNIC {Vnic}): {Frame}", ReasonName(reason), vnic, Convert.ToHexString(f.Data.AsSpan(0, Math.Min(f.Data.Length, 64))));
        if (reason == (int)ExceptionReason.Underlay && UnderlayArpReply(f.Data, _o.Config.Global) is { } reply)
        {
            _arpReplies++;
            Write(_underlay, reply);
        }
    }

    private void Write(Port port, byte[] frame)
    {
        if (port.Capture is { } capture)
        {
            try
            {
                capture.Write(frame, (ulong)(DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                port.Capture = null;
                try
                {
                    capture.Dispose();
                }
                catch (IOException)
                {
                    // the same trouble again while flushing: the capture is given up either way
                }
                _log.LogWarning("{Device}: capture stopped: {Error}", port.Tap.Name, e.Message);
            }
        }
        if (!port.Alive)
        {
            port.Unwritten++;
            return;
        }
        int err = port.Tap.Write(frame);
        if (err == 0)
        {
            port.FramesOut++;
            port.BytesOut += frame.Length;
        }
        else
        {
            port.WriteErrors++;
            _log.LogDebug("{Device}: write of {Len} bytes failed: {Error}", port.Tap.Name, frame.Length, Libc.ErrorText(err));
            if (err is Libc.EBADFD or Libc.ENODEV) Lost(port, Libc.ErrorText(err));
        }
    }

    /// <summary>
    /// The reply to an ARP request for the VTEP address (what the host's software does for the card's
    /// underlay address), or null when <paramref name="frame"/> is anything else. 60 bytes: Ethernet to the
    /// requester from the card's MAC, "VTEP is at NIC MAC".
    /// </summary>
    public static byte[]? UnderlayArpReply(ReadOnlySpan<byte> frame, NicGlobalConfig g)
    {
        if (frame.Length < 42 || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != 0x0806) return null;
        ReadOnlySpan<byte> a = frame[14..];
        if (BinaryPrimitives.ReadUInt16BigEndian(a) != 1 || BinaryPrimitives.ReadUInt16BigEndian(a[2..]) != 0x0800
            || a[4] != 6 || a[5] != 4 || BinaryPrimitives.ReadUInt16BigEndian(a[6..]) != 1)
            return null;
        uint spa = BinaryPrimitives.ReadUInt32BigEndian(a[14..]);
        uint tpa = BinaryPrimitives.ReadUInt32BigEndian(a[24..]);
        if (tpa != g.VtepIp || spa == tpa) return null; // not for us, or a gratuitous ARP
        ReadOnlySpan<byte> sha = a.Slice(8, 6);
        var r = new byte[60];
        sha.CopyTo(r);
        WriteMac(r.AsSpan(6), g.NicMac);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(12), 0x0806);
        Span<byte> b = r.AsSpan(14);
        BinaryPrimitives.WriteUInt16BigEndian(b, 1);
        BinaryPrimitives.WriteUInt16BigEndian(b[2..], 0x0800);
        b[4] = 6;
        b[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(b[6..], 2);
        WriteMac(b[8..], g.NicMac);
        BinaryPrimitives.WriteUInt32BigEndian(b[14..], g.VtepIp);
        sha.CopyTo(b[18..]);
        BinaryPrimitives.WriteUInt32BigEndian(b[24..], spa);
        return r;
    }

    private static void WriteMac(Span<byte> s, ulong mac)
    {
        for (int i = 0; i < 6; i++) s[i] = (byte)(mac >> (40 - 8 * i));
    }

    private static string ReasonName(int code) =>
        Enum.IsDefined((ExceptionReason)code) ? ((ExceptionReason)code).ToString() : $"reason {code}";

    private void FlushCaptures()
    {
        foreach (Port p in _ports)
        {
            try
            {
                p.Capture?.Flush();
            }
            catch (IOException e)
            {
                _log.LogWarning("{Device}: capture flush failed: {Error}", p.Tap.Name, e.Message);
            }
        }
    }

    // ------------------------------------------------------------------ snapshots

    private void ServeRequests()
    {
        if (_requests.IsEmpty) return;
        BridgeSnapshot s;
        try
        {
            s = TakeSnapshot();
        }
        catch (Exception e)
        {
            while (_requests.TryDequeue(out var r)) r.TrySetException(e);
            return;
        }
        while (_requests.TryDequeue(out var r)) r.TrySetResult(s);
    }

    /// <summary>Lets the card finish what it has, then reads every counter (loop thread only).</summary>
    private BridgeSnapshot TakeSnapshot()
    {
        _engine.Settle();
        NicDriver d = _engine.Driver;
        var stats = d.ReadAllStats().Select(kv => new StatValue((int)kv.Key, kv.Key.ToString(), kv.Value)).ToList();
        var vnics = _o.Config.Vnics.OrderBy(v => v.Id)
            .Select(v => new VnicSnapshot(v.Id, v.Entry, _byVnic.TryGetValue(v.Id, out Port? p) ? p.Tap.Name : "",
                d.ReadVnicCounters(v.Id)))
            .ToList();
        DeviceDrops?[] kernel = KernelCounters.Read(_ports.Select(p => p.Tap).ToList());
        for (int i = 0; i < _ports.Count; i++)
            if (kernel[i] is { } k) _ports[i].KernelLast = k - _ports[i].KernelBase; // else: as last read
        var taps = _ports.Select(p => new TapSnapshot(p.Tap.Name, p.IsUnderlay ? "underlay" : $"vNIC {p.Vnic}",
            p.FramesIn, p.BytesIn, p.FramesOut, p.BytesOut, p.WriteErrors, p.Deferred, p.Alive,
            p.KernelLast?.TxDropped, p.KernelLast?.RxDropped, p.Unwritten)).ToList();
        var exceptions = Enumerable.Range(1, 255).Where(r => _exceptions[r] != 0)
            .Select(r => new ReasonCount(r, ReasonName(r), _exceptions[r])).ToList();
        IReadOnlyList<string> errors = _engine.Errors;
        return new BridgeSnapshot(
            UptimeSeconds: _clock.Elapsed.TotalSeconds,
            Width: _engine.Sim.DataWidth,
            Cycles: _engine.Sim.Cycle,
            Clock: ClockDescription,
            TicksIssued: _ticksIssued,
            Stats: stats, Vnics: vnics, Taps: taps, Exceptions: exceptions,
            UnderlayArpReplies: _arpReplies,
            Undeliverable: _undeliverable,
            Checked: _engine.Checked,
            FramesChecked: _engine.FramesChecked,
            Mismatches: errors.Count,
            FirstMismatches: errors.Take(5).ToList(),
            ProtocolErrors: _engine.Sim.ProtocolErrors);
    }

    // ------------------------------------------------------------------ teardown

    /// <summary>Stops the loop if it runs (waits up to 10 s), closes every device (the kernel removes them),
    /// the captures and the control socket, and frees the model.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        Stop();
        if (!_runExited.Wait(TimeSpan.FromSeconds(10)))
            _log.LogWarning("the bridge loop did not stop within 10 s; closing the devices anyway");
        _disposed = true;
        _control?.Dispose();
        _control = null;
        foreach (Port p in _ports)
        {
            p.Tap.Dispose();
            p.Capture?.Dispose();
        }
        _log.LogInformation("closed {Devices}", string.Join(", ", _ports.Select(p => p.Tap.Name)));
        // the engine is freed only when the loop is not inside it
        if (_runExited.IsSet) _engine.Dispose();
        for (int i = 0; i < 2; i++)
        {
            int fd = Interlocked.Exchange(ref _wake[i], -1);
            if (fd >= 0) Libc.Close(fd);
        }
    }
}
