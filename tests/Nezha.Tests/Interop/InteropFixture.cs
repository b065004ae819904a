using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Nezha.Driver.Config;
using Nezha.Tests.Driver;
using Nezha.Verify.Sim;
using Nezha.Verify.Tap;
using NUnit.Framework;

namespace Nezha.Tests.Interop;

/// <summary>
/// Base of the TAP interop tests: each test gets its own device prefix and namespace names, runs the bridge
/// in-process on a background thread (w64 card, golden-model check on, one pcap per device), and in teardown —
/// also after a failure — kills what it started, closes the bridge, deletes its namespaces and checks that no
/// device or namespace is left. <see cref="Finish"/> stops the bridge and checks the RTL/model comparison and
/// the captures (tshark).
/// </summary>
public abstract class InteropFixture
{
    // The addressing plan of every test (one VPC, VNI 100; this card is VTEP .1, the remote hypervisor .2).
    protected const int Vni = 100;
    protected const string Gateway = "10.0.0.1", GatewayMac = "02:00:00:00:00:fe";
    protected const string NicMac = "02:00:00:00:01:01", VtepIp = "192.168.100.1", NextHopMac = "02:00:00:00:fe:01";
    protected const string HvUnderlayIp = "192.168.100.2";
    /// <summary>The card's frame-length limit: VM devices get MTU 1500 (mtu - 64), the underlay 1550.</summary>
    protected const int CardMtu = 1564;
    protected const int OpenAcl = 0, InboundIcmpOnlyAcl = 1;

    // Liveness limits for real processes talking through the simulated card in real time, not performance
    // checks: a stalled transfer is caught sooner by the peers' 60 s socket timeouts. Long covers a whole
    // TCP transfer: 2 to 5 s in CI, but over 90 s once with the coverage-instrumented model on a loaded machine.
    protected static readonly TimeSpan Short = TimeSpan.FromSeconds(15), Long = TimeSpan.FromSeconds(300);

    private readonly List<string> _namespaces = [];
    private readonly List<Background> _processes = [];
    private Thread? _bridgeThread;
    private Exception? _bridgeFailure;
    private string? _captures;
    private Stopwatch _watch = null!;

    protected string Id { get; private set; } = "";
    protected string Prefix { get; private set; } = "";
    protected TapBridge? Bridge { get; private set; }

    protected sealed record Vm(int Vnic, string Ip, string Mac, int AclSet = OpenAcl);

    protected sealed record Remote(string Ip, string Mac, string? Tunnel = null);

    protected static readonly Vm Vm0 = new(0, "10.0.0.10", "02:64:00:00:00:0a");
    protected static readonly Vm Vm1 = new(1, "10.0.0.11", "02:64:00:00:00:0b");
    protected static readonly Remote RemoteVm = new("10.0.0.20", "02:64:00:00:00:14");

    [SetUp]
    public void SetUpInterop()
    {
        Host.RequireInteropPrerequisites();
        Id = Guid.NewGuid().ToString("N")[..5];
        Prefix = "nz" + Id;
        _captures = TestFiles.TempDir();
        _watch = Stopwatch.StartNew();
    }

    [TearDown]
    public void TearDownInterop()
    {
        if (_captures is null) return; // skipped in SetUp: nothing was created
        var problems = new List<string>();
        foreach (Background p in _processes) p.Dispose();
        _processes.Clear();
        try
        {
            StopBridge();
        }
        catch (Exception e)
        {
            problems.Add($"stopping the bridge: {e.Message}");
        }
        foreach (string ns in _namespaces)
        {
            var (code, _, err) = Host.Run("ip", ["netns", "del", ns], Short, check: false);
            if (code != 0) problems.Add($"ip netns del {ns}: {err.Trim()}");
        }
        _namespaces.Clear();

        string links = Host.Run("ip", ["-o", "link", "show"], Short, check: false).Out;
        var leftLinks = links.Split('\n').Where(l => l.Contains($" {Prefix}", StringComparison.Ordinal)).ToList();
        if (leftLinks.Count > 0) problems.Add("devices left behind: " + string.Join(" | ", leftLinks));
        string nsList = Host.Run("ip", ["netns", "list"], Short, check: false).Out;
        if (nsList.Contains($"nzt{Id}-", StringComparison.Ordinal)) problems.Add("namespaces left behind: " + nsList.Trim());

        TestContext.Progress.WriteLine($"{TestContext.CurrentContext.Test.Name}: {_watch.Elapsed.TotalSeconds:F1} s");
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NEZHA_INTEROP_KEEP")))
            TestContext.Progress.WriteLine($"captures kept in {_captures}");
        else
            Directory.Delete(_captures, true);
        _captures = null;
        if (problems.Count > 0) Assert.Fail(string.Join("\n", problems));
    }

    // ------------------------------------------------------------------ config and bridge

    /// <summary>A config with the given local VMs (VNI 100, 10.0.0.0/24 mapped) and remote VMs behind the hypervisor namespace.</summary>
    protected static string ConfigJson(IEnumerable<Vm> vms, IEnumerable<Remote> remotes, int idleTimeout = 30000, int closeTimeout = 2000)
    {
        var sb = new StringBuilder();
        sb.Append($$"""
            {
              "global": { "nicMac": "{{NicMac}}", "vtepIp": "{{VtepIp}}", "nextHopMac": "{{NextHopMac}}", "gatewayMac": "{{GatewayMac}}",
                          "mtu": {{CardMtu}}, "tickCycles": 250000, "idleTimeout": {{idleTimeout}}, "closeTimeout": {{closeTimeout}} },
              "vnics": [

            """);
        foreach (Vm v in vms)
            sb.Append($$"""    { "id": {{v.Vnic}}, "vni": {{Vni}}, "mac": "{{v.Mac}}", "ip": "{{v.Ip}}", "gateway": "{{Gateway}}", "aclSet": {{v.AclSet}} },""").Append('\n');
        sb.Append($$"""
              ],
              "routes": [ { "vni": {{Vni}}, "prefix": "10.0.0.0/24", "type": "mapped" } ],
              "mappings": [

            """);
        foreach (Vm v in vms)
            sb.Append($$"""    { "vni": {{Vni}}, "ip": "{{v.Ip}}", "vtep": "{{VtepIp}}", "mac": "{{v.Mac}}" },""").Append('\n');
        foreach (Remote r in remotes)
            sb.Append($$"""    { "vni": {{Vni}}, "ip": "{{r.Ip}}", "vtep": "{{HvUnderlayIp}}", "mac": "{{r.Mac}}"{{(r.Tunnel is null ? "" : $", \"tunnel\": \"{r.Tunnel}\"")}} },""").Append('\n');
        sb.Append("""
              ],
              "acls": [
                { "set": 0, "rules": [ { "direction": "egress", "action": "allow" }, { "direction": "ingress", "action": "allow" } ] },
                { "set": 1, "rules": [ { "direction": "egress", "action": "allow" },
                                       { "direction": "ingress", "action": "allow", "proto": "icmp" } ] },
              ],
            }
            """);
        return sb.ToString();
    }

    protected static NicConfig Parse(string json) => NicConfigLoader.Parse(json, "interop.json", Nezha.Cli.Commands.KnownBuilds.For(64));

    /// <summary>The directory of this test's captures (one pcap per device) and control socket.</summary>
    protected string CaptureDirectory => _captures!;

    /// <summary>Creates the devices and runs the bridge loop on a background thread (<paramref name="adjust"/>: other options).</summary>
    protected TapBridge StartBridge(NicConfig config, Func<TapBridgeOptions, TapBridgeOptions>? adjust = null)
    {
        var options = new TapBridgeOptions
        {
            Config = config,
            Build = SimConfig.W64,
            Prefix = Prefix,
            CaptureDirectory = _captures!,
            ControlSocket = Path.Combine(_captures!, "control.sock"),
            Check = true,
        };
        if (adjust is not null) options = adjust(options);
        TapBridge bridge = TapBridge.Create(options, TestLogging.Factory);
        Bridge = bridge;
        _bridgeThread = new Thread(() =>
        {
            try
            {
                bridge.Run();
            }
            catch (Exception e)
            {
                _bridgeFailure = e;
            }
        }) { IsBackground = true, Name = "tap bridge " + Prefix };
        _bridgeThread.Start();
        return bridge;
    }

    private BridgeSnapshot? StopBridge()
    {
        TapBridge? b = Bridge;
        if (b is null) return null;
        Bridge = null;
        b.Stop();
        if (_bridgeThread is { } t && !t.Join(TimeSpan.FromSeconds(60)))
            Assert.Fail("the bridge loop did not stop within 60 s");
        BridgeSnapshot? final = b.FinalSnapshot;
        b.Dispose();
        if (_bridgeFailure is { } e) throw new InvalidOperationException("the bridge loop failed: " + e, e);
        return final;
    }

    /// <summary>
    /// Stops the bridge (its devices vanish), then checks: the loop did not fail, RTL and golden model agreed on
    /// every frame and counter, no AXI protocol violation, and every frame written to a device decodes in
    /// tshark without malformed-packet or bad-checksum findings. Returns the final counters.
    /// </summary>
    protected BridgeSnapshot Finish()
    {
        foreach (Background p in _processes) p.Dispose();
        _processes.Clear();
        BridgeSnapshot s = StopBridge() ?? throw new InvalidOperationException("no bridge was started");
        TestContext.Progress.WriteLine(
            $"  {s.Cycles:N0} cycles, {s.TicksIssued:N0} tick pulses, {s.FramesChecked:N0} frames checked against the model; " +
            string.Join(", ", s.Taps.Select(t => $"{t.Name} in {t.FramesIn}/out {t.FramesOut}")));
        Assert.That(s.Mismatches, Is.Zero, "RTL/model mismatches:\n" + string.Join("\n", s.FirstMismatches));
        Assert.That(s.ProtocolErrors, Is.Zero, "AXI protocol violations on the outputs");
        Assert.That(s.Checked, Is.True);
        Tshark.AssertClean(Directory.GetFiles(_captures!, "*.pcap"));
        return s;
    }

    // ------------------------------------------------------------------ namespaces

    /// <summary>A new namespace (IPv6 off, loopback up), deleted in teardown.</summary>
    protected string Namespace(string role)
    {
        string ns = $"nzt{Id}-{role}";
        Host.Run("ip", ["netns", "add", ns], Short);
        _namespaces.Add(ns);
        Ns(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        Ns(ns, "ip", "link", "set", "lo", "up");
        return ns;
    }

    protected static string Ns(string ns, params string[] command) =>
        Host.Run("ip", ["netns", "exec", ns, .. command], Short).Out;

    /// <summary>Moves a bridge device into <paramref name="ns"/> (it keeps its MAC and MTU; the move takes it down).</summary>
    protected static void MoveInto(string device, string ns) => Host.Run("ip", ["link", "set", "dev", device, "netns", ns], Short);

    /// <summary>A VM: its vNIC's device in its own namespace with the VM's address and the VPC gateway as default route.</summary>
    protected string VmNamespace(Vm vm, string role)
    {
        string ns = Namespace(role);
        string dev = TapBridge.VnicDeviceName(Prefix, vm.Vnic);
        MoveInto(dev, ns);
        Ns(ns, "ip", "addr", "add", vm.Ip + "/24", "dev", dev);
        Ns(ns, "ip", "link", "set", dev, "up");
        Ns(ns, "ip", "route", "add", "default", "via", Gateway);
        return ns;
    }

    /// <summary>The remote hypervisor: the underlay device (MAC = next hop, set by the bridge) with 192.168.100.2/24.</summary>
    protected string HypervisorNamespace()
    {
        string ns = Namespace("hv");
        string ul = TapBridge.UnderlayDeviceName(Prefix);
        MoveInto(ul, ns);
        Ns(ns, "ip", "addr", "add", HvUnderlayIp + "/24", "dev", ul);
        Ns(ns, "ip", "link", "set", ul, "up");
        return ns;
    }

    /// <summary>
    /// The overlay side of a tunnel device in the hypervisor: the remote VM's MAC and address, and permanent
    /// neighbour entries for the local VMs (the card does not answer ARP inside a tunnel; like any cloud, the
    /// hypervisor answers its VMs' ARP from its own mapping table).
    /// </summary>
    protected static void RemoteVmOn(string ns, string dev, Remote remote, IEnumerable<Vm> localVms)
    {
        Ns(ns, "ip", "link", "set", "dev", dev, "address", remote.Mac, "mtu", "1500");
        Ns(ns, "ip", "addr", "add", remote.Ip + "/24", "dev", dev);
        Ns(ns, "ip", "link", "set", dev, "up");
        foreach (Vm vm in localVms)
            Ns(ns, "ip", "neigh", "replace", vm.Ip, "lladdr", vm.Mac, "dev", dev, "nud", "permanent");
    }

    // ------------------------------------------------------------------ traffic

    protected static string PeerScript => TestFiles.Find(Path.Combine("tests", "Nezha.Tests", "Interop", "netpeer.py"));

    protected Background Peer(string ns, params string[] args)
    {
        var p = new Background("ip", ["netns", "exec", ns, "python3", "-u", PeerScript, .. args]);
        _processes.Add(p);
        return p;
    }

    /// <summary>ping -c <paramref name="count"/>; fails the test unless every echo was answered.</summary>
    protected static void Ping(string ns, string target, int count = 3)
    {
        var (code, o, e) = Host.Run("ip", ["netns", "exec", ns, "ping", "-n", "-c", count.ToString(), "-i", "0.2", "-W", "3", target],
            Short, check: false);
        Assert.That(code, Is.Zero, $"ping {target} from {ns}:\n{o}{e}");
        Assert.That(o, Does.Contain($"{count} packets transmitted, {count} received"), o);
    }

    /// <summary>
    /// A TCP transfer of <paramref name="bytes"/> pseudo-random bytes from a client in
    /// <paramref name="clientNs"/> to a server in <paramref name="serverNs"/> listening on
    /// <paramref name="serverIp"/>: both ends must agree on the length and SHA-256 (byte-exact).
    /// </summary>
    protected void TcpTransfer(string serverNs, string serverIp, string clientNs, int bytes, int port, int seed = 1)
    {
        var sw = Stopwatch.StartNew();
        Background server = Peer(serverNs, "server", serverIp, port.ToString(), "60");
        Assert.That(server.NextLine(Short), Is.EqualTo("listening"));
        Background client = Peer(clientNs, "client", serverIp, port.ToString(), bytes.ToString(), seed.ToString(), "60");
        string sent = client.NextLine(Long);
        Assert.That(client.WaitForExit(Short), Is.Zero, client.Stderr);
        string received = server.NextLine(Short);
        Assert.That(server.WaitForExit(Short), Is.Zero, server.Stderr);
        string[] c = sent.Split(' ');
        Assert.That(c, Has.Length.EqualTo(4), $"client said: {sent}");
        Assert.That(received, Is.EqualTo($"{c[0]} {c[1]}"), "the server received exactly what the client sent");
        Assert.That($"{c[2]} {c[3]}", Is.EqualTo(received), "the client got the server's digest back");
        Assert.That(c[0], Is.EqualTo(bytes.ToString()));
        TestContext.Progress.WriteLine($"  TCP {clientNs} -> {serverNs} ({serverIp}): {bytes:N0} bytes in {sw.Elapsed.TotalSeconds:F1} s, SHA-256 {c[1][..16]}...");
    }
}

/// <summary>Bridge log lines (warnings and up) into the test output.</summary>
internal static class TestLogging
{
    public static readonly ILoggerFactory Factory = LoggerFactory.Create(b => b
        .SetMinimumLevel(LogLevel.Warning)
        .AddProvider(new ProgressProvider()));

    private sealed class ProgressProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ProgressLogger(categoryName);
        public void Dispose() { }
    }

    private sealed class ProgressLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) TestContext.Progress.WriteLine($"  [{logLevel}] {category}: {formatter(state, exception)}");
        }
    }
}
