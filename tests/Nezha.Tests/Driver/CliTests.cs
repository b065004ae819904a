using Nezha.Cli;
using Nezha.Verify.Pcap;
using NUnit.Framework;

namespace Nezha.Tests.Driver;

/// <summary>The command line's argument and config handling (the parts that run before a simulator is needed).</summary>
[TestFixture]
public class CliTests
{
    private string _dir = null!;

    [SetUp] public void SetUp() => _dir = TestFiles.TempDir();
    [TearDown] public void TearDown() => Directory.Delete(_dir, true);

    private static (int Code, string Out, string Err) Run(params string[] args) => Cli.Run(args);

    private static string OneLine(string err) => Cli.OneLine(err);

    private string WriteFile(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A complete config with one error: global.nicMac "zz".</summary>
    private const string BadMacConfig = """
        { "global": { "nicMac": "zz", "vtepIp": "1.2.3.4", "nextHopMac": "02:00:00:00:00:02", "gatewayMac": "02:00:00:00:00:03" } }
        """;

    private string Capture()
    {
        string path = Path.Combine(_dir, "in.pcap");
        using var w = PcapWriter.Create(path);
        w.Write(new byte[60], 0);
        return path;
    }

    [Test]
    public void CheckAcceptsTheDefaultConfig()
    {
        var (code, stdout, stderr) = Run("check", "--config", TestFiles.DefaultConfig, "--width", "64");
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("OK for the w64 build: 4 vNICs, 5 routes, 7 mappings, 2 ACL sets"));
    }

    [Test]
    public void CheckReportsAProblemOnOneLine()
    {
        string bad = WriteFile("bad.json", """{ "global": { "nicMac": "zz:00:00:00:00:00", "vtepIp": "1.2.3.4", "nextHopMac": "02:00:00:00:00:02", "gatewayMac": "02:00:00:00:00:03" } }""");
        var (code, stdout, stderr) = Run("check", "--config", bad);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(stdout, Is.Empty);
        Assert.That(OneLine(stderr), Is.EqualTo($"{bad}: global.nicMac: \"zz:00:00:00:00:00\" is not a MAC address"));
    }

    [Test]
    public void CheckReportsEveryProblemOneLineEach()
    {
        string bad = WriteFile("bad.json", """
            { "global": { "nicMac": "zz", "vtepIp": "1.2.3.4", "nextHopMac": "02:00:00:00:00:02", "gatewayMac": "02:00:00:00:00:03", "mtu": 9 },
              "vnics": [ { "id": 0, "vni": 1, "mac": "02:00:00:00:00:0a", "ip": "10.0.0.10", "gateway": "10.0.0.1", "aclSet": 1 } ],
              "routes": [ { "vni": 1, "prefix": "10.0.0.0/33", "type": "mapped" } ],
              "acls": [ { "set": 0, "rules": [ { "direction": "out", "action": "allow" } ] } ] }
            """);
        var (code, stdout, stderr) = Run("check", "--config", bad);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            $"{bad}: global.nicMac: \"zz\" is not a MAC address",
            $"{bad}: global.mtu: 9 is out of range 64..9216",
            $"{bad}: routes[0].prefix: \"10.0.0.0/33\" is not an IPv4 prefix",
            $"{bad}: acls[0].rules[0].direction: \"out\" is not one of ingress, egress",
            $"{bad}: vnics[0].aclSet: ACL set 1 is not defined in acls: every frame of vNIC 0 would be denied",
        }));
    }

    [Test]
    public void CheckWithoutAWidthChecksTheDefaultBuildAndSaysSo()
    {
        var (code, stdout, stderr) = Run("check", "--config", TestFiles.DefaultConfig);
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("OK for the w64 build (the default of run, tap and pcap)"));

        // a config only the wider build can hold is refused without --width, as run would refuse it
        string wide = WriteFile("wide.json", """
            { "global": { "nicMac": "02:00:00:00:00:01", "vtepIp": "1.2.3.4", "nextHopMac": "02:00:00:00:00:02", "gatewayMac": "02:00:00:00:00:03" },
              "vnics": [ { "id": 20, "vni": 1, "mac": "02:00:00:00:00:0a", "ip": "10.0.0.10", "gateway": "10.0.0.1" } ],
              "acls": [ { "set": 0 } ] }
            """);
        (code, _, stderr) = Run("check", "--config", wide);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(OneLine(stderr), Is.EqualTo($"{wide}: vnics[0].id: 20 is out of range 0..15"));
        (code, stdout, stderr) = Run("check", "--config", wide, "--width", "512");
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("OK for the w512 build"));
    }

    [Test]
    public void ADirectoryAsConfigIsNamedAsOne()
    {
        foreach (string[] args in new[] { new[] { "check", "--config", _dir }, new[] { "run", "--config", _dir },
                                          new[] { "tap", "--config", _dir, "--socket", "none" } })
        {
            var (code, _, stderr) = Run(args);
            Assert.That(code, Is.EqualTo(ExitCodes.Usage), string.Join(" ", args));
            Assert.That(OneLine(stderr), Is.EqualTo($"nezha: {_dir}: is a directory, not a config file"), string.Join(" ", args));
        }
    }

    [Test]
    public void CheckAgainstTheW8BuildFindsWhatDoesNotFit()
    {
        var (code, _, stderr) = Run("check", "-c", TestFiles.DefaultConfig, "-w", "8");
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(stderr, Does.Contain($"{TestFiles.DefaultConfig}: routes: 5 routes, but the card has 4 route entries"));
    }

    [TestCase(new string[0], "nezha: Required command was not provided.")]
    [TestCase(new[] { "bogus" }, "nezha: Unrecognized command or argument 'bogus'. Required command was not provided.")]
    [TestCase(new[] { "pcap", "-i", "b", "-p", "net", "-o", "d" }, "nezha: Option '--config' is required.")]
    [TestCase(new[] { "pcap", "-c", "a", "-i", "b", "-p", "wire", "-o", "d" }, "nezha: Argument 'wire' not recognized. Must be one of: 'net' 'host'")]
    [TestCase(new[] { "pcap", "-c", "a", "-i", "b", "-p", "net", "-o", "d", "--width", "32" }, "nezha: Argument '32' not recognized. Must be one of: '8' '64' '512'")]
    [TestCase(new[] { "check", "-c", "a", "--verbosity", "loud" }, "nezha: --verbosity: \"loud\" is not one of quiet, normal, detailed, diagnostic")]
    public void BadArgumentsExit2WithOneLine(string[] args, string expected)
    {
        var (code, _, stderr) = Run(args);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(OneLine(stderr), Is.EqualTo(expected));
    }

    [Test]
    public void PcapRejectsVnicOnTheNetPort()
    {
        var (code, _, stderr) = Run("pcap", "-c", TestFiles.DefaultConfig, "-i", Capture(), "-p", "net", "--vnic", "1", "-o", _dir);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(OneLine(stderr), Is.EqualTo("nezha: --vnic only applies to --port host"));
    }

    [Test]
    public void PcapRejectsABadConfigBeforeStartingTheSimulator()
    {
        string bad = WriteFile("bad.json", """{ "global": { "nicMac": "02:00:00:00:00:01", "vtepIp": "1.2.3", "nextHopMac": "02:00:00:00:00:02", "gatewayMac": "02:00:00:00:00:03" } }""");
        var (code, _, stderr) = Run("pcap", "-c", bad, "-i", Capture(), "-p", "host", "-o", Path.Combine(_dir, "out"));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(OneLine(stderr), Is.EqualTo($"{bad}: global.vtepIp: \"1.2.3\" is not an IPv4 address"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "out")), Is.False, "nothing was written");
    }

    [Test]
    public void PcapRejectsMissingAndBadCaptures()
    {
        var (code, _, stderr) = Run("pcap", "-c", TestFiles.DefaultConfig, "-i", Path.Combine(_dir, "none.pcap"), "-p", "host", "-o", _dir);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(OneLine(stderr), Does.EndWith("none.pcap: no such file"));

        string junk = WriteFile("junk.pcap", "this is not a capture");
        (code, _, stderr) = Run("pcap", "-c", TestFiles.DefaultConfig, "-i", junk, "-p", "host", "-o", _dir);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(OneLine(stderr), Does.StartWith($"nezha: {junk}: not a pcap or pcapng file"));
    }

    [Test]
    public void RunChecksTheScenarioAgainstTheGoldenModel()
    {
        var (code, stdout, stderr) = Run("run", "--frames", "2000", "--seed", "3");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);
        Assert.That(stdout, Does.Contain("RTL and golden model agree on every frame and every counter."));
        Assert.That(stdout, Does.Contain("learned in hardware"));
    }

    [Test]
    public void RunRejectsABadConfigWithOneLine()
    {
        string bad = WriteFile("bad.json", BadMacConfig);
        var (code, _, stderr) = Run("run", "--config", bad);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(OneLine(stderr), Does.EndWith("bad.json: global.nicMac: \"zz\" is not a MAC address"));
        (code, _, stderr) = Run("run", "--frames", "0");
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(OneLine(stderr), Does.Contain("--frames"));
    }

    [Test]
    public void TapRejectsAMissingConfigWithOneLineAndCreatesNothing()
    {
        string missing = Path.Combine(_dir, "none.json");
        var (code, _, stderr) = Run("tap", "--config", missing, "--prefix", "nzclit", "--socket", Path.Combine(_dir, "s.sock"));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(OneLine(stderr), Is.EqualTo($"nezha: {missing}: no such file"));
        Assert.That(Directory.Exists("/sys/class/net/nzclitul"), Is.False, "no device was created");
        Assert.That(File.Exists(Path.Combine(_dir, "s.sock")), Is.False, "no socket was created");
    }

    [Test]
    public void TapRejectsABadConfigAndBadOptionsWithOneLine()
    {
        string bad = WriteFile("bad.json", BadMacConfig);
        var (code, _, stderr) = Run("tap", "--config", bad, "--socket", "none");
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(OneLine(stderr), Is.EqualTo($"{bad}: global.nicMac: \"zz\" is not a MAC address"));

        (code, _, stderr) = Run("tap", "--config", TestFiles.DefaultConfig, "--prefix", "much-too-long-prefix", "--socket", "none");
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(OneLine(stderr), Does.StartWith("nezha: --prefix: \"much-too-long-prefix\" is not"));

        (code, _, stderr) = Run("tap", "--config", TestFiles.DefaultConfig, "--clock-mhz", "0", "--socket", "none");
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(OneLine(stderr), Is.EqualTo("nezha: --clock-mhz: 0 is not a clock frequency"));

        (code, _, stderr) = Run("tap", "--config", TestFiles.DefaultConfig, "-w", "8", "--socket", "none");
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(stderr, Does.Contain("routes: 5 routes, but the card has 4 route entries"));
    }

    [Test]
    public void StatsWithoutABridgeSaysSoOnOneLine()
    {
        string sock = Path.Combine(_dir, "nobody.sock");
        var (code, stdout, stderr) = Run("stats", "--socket", sock);
        Assert.That(code, Is.EqualTo(ExitCodes.Failure));
        Assert.That(stdout, Is.Empty);
        Assert.That(OneLine(stderr), Is.EqualTo($"nezha: {sock}: no such socket: no bridge is listening there (is `nezha tap` running? see --socket)"));

        // a socket file nobody listens on (as a killed bridge leaves it): bound, not listening
        using var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream,
            System.Net.Sockets.ProtocolType.Unspecified);
        s.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(sock));
        (code, _, stderr) = Run("stats", "--socket", sock);
        Assert.That(code, Is.EqualTo(ExitCodes.Failure));
        Assert.That(OneLine(stderr), Is.EqualTo($"nezha: {sock}: no bridge is listening there (stale socket file)"));
    }
}
