using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nezha.Cli;
using Nezha.Cli.Output;
using NUnit.Framework;

namespace Nezha.Tests.Driver;

/// <summary>
/// What the commands print, to a pipe and to a person: JSON that is all of stdout, tables that do not wrap or
/// carry colour codes off a terminal, logs only when asked for (formatted, no record dumps), column headers that
/// say whose side they count, frames counted as what they are.
/// </summary>
[TestFixture]
public class CliOutputTests
{
    private string _dir = null!;

    [SetUp] public void SetUp() => _dir = TestFiles.TempDir();
    [TearDown] public void TearDown() => Directory.Delete(_dir, true);

    private static (int Code, string Out, string Err) Run(params string[] args) => Cli.Run(args);

    private static string[] Lines(string text) => Cli.Lines(text);

    /// <summary>A record's default ToString, e.g. "NicInfo { DataW = 64, ... }".</summary>
    private static readonly Regex RecordDump = new(@"\b[A-Z]\w+ \{ [A-Z]\w* = ");

    [Test]
    public void RunJsonIsAllOfStdoutAndCountsEveryFrameOnce()
    {
        var (code, stdout, stderr) = Run("run", "--frames", "1500", "--seed", "5", "--json");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);
        Assert.That(stderr, Is.Empty, "nothing logged at the default verbosity");
        JsonNode root = JsonNode.Parse(stdout)!;   // throws if anything but the JSON is on stdout
        Assert.That((bool)root["ok"]!, Is.True);
        Assert.That((int)root["width"]!, Is.EqualTo(64));
        Assert.That((int)root["mismatches"]!, Is.Zero);
        var outcomes = root["outcomes"]!.AsObject();
        Assert.That(outcomes.Sum(o => (int)o.Value!), Is.EqualTo(1500), "every frame sent has exactly one outcome");
        long arpReplies = (long)root["counters"]!["ArpReplies"]!;
        Assert.That(arpReplies, Is.GreaterThan(0));
        Assert.That((long)outcomes[FrameOutcomes.ArpReply]!, Is.EqualTo(arpReplies), "ARP replies are counted as answered, not forwarded");
        Assert.That((long)outcomes[FrameOutcomes.NewFlow]! + (long)outcomes[FrameOutcomes.SessionHit]!,
            Is.LessThanOrEqualTo((long)root["counters"]!["SessMisses"]! + (long)root["counters"]!["SessHits"]!),
            "forwarded frames all went through the session table");
        var vnics = root["vnics"]!.AsArray();
        Assert.That(vnics.Select(v => (string)v!["ip"]!), Does.Contain("10.0.0.10"));
        Assert.That(vnics.Sum(v => (long)v!["toVmFrames"]!), Is.GreaterThan(0));
        Assert.That((long)root["sessions"]!["liveAtEnd"]!, Is.Zero);
    }

    [Test]
    public void RunTablesFitAPipe()
    {
        var (code, stdout, stderr) = Run("run", "--frames", "800");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);
        // ordinal: NUnit's Contain compares by culture, which ignores control characters such as ESC
        Assert.That(stdout.IndexOf('\u001b'), Is.EqualTo(-1), "no ANSI escape codes");
        Assert.That(stderr, Is.Empty);
        string[] lines = Lines(stdout);
        Assert.That(lines, Has.Some.Match(@"│ 0\s+│ 100 │ 10\.0\.0\.10 │"), "a vNIC row on one line, the IP whole");
        Assert.That(lines, Has.None.Match(@"10\.0\.0\.$"), "no address cut at the line end");
        Assert.That(lines.Max(l => l.Length), Is.LessThanOrEqualTo(CliConsole.PipeWidth));
        string header = lines.Single(l => l.Contains("from VM frames"));
        Assert.That(header, Does.Contain("to VM frames").And.Contain("from VM bytes").And.Contain("to VM bytes"),
            "the counters say whose side they count");
        Assert.That(lines, Has.Some.Match($@"│ {Regex.Escape(FrameOutcomes.ArpReply)}\s+│"));
        Assert.That(lines, Has.None.Contain("━"), "no progress bar");
    }

    [Test]
    public void DetailedLogsTheDriversRegisterWritesAndDiagnosticItsReads()
    {
        var (code, _, quiet) = Run("run", "--frames", "100");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), quiet);
        Assert.That(quiet, Is.Empty);

        var (_, stdout, detailed) = Run("run", "--frames", "100", "-v", "detailed");
        string[] lines = Lines(detailed);
        Assert.That(lines, Has.Some.Match(@"^debug: Nezha\.Driver\.NicDriver: write 0x[0-9A-F]{4} = 0x[0-9A-F]{8} -> Okay$"));
        Assert.That(lines, Has.Some.Match(@"^info: Nezha\.Driver\.NicDriver: card: w64, 16 vNICs, "));
        Assert.That(lines, Has.Some.Match(@"^debug: Nezha\.Driver\.NicDriver: vnic\[0\]: enabled, vni 100, mac 02:64:00:00:00:0a, ip 10\.0\.0\.10, gateway 10\.0\.0\.1, aclSet 0$"));
        Assert.That(lines, Has.None.Contains(": read "), "reads only at diagnostic");
        Assert.That(lines, Has.None.Match(RecordDump.ToString()), "no record dumps");
        Assert.That(stdout, Does.Not.Contain("debug:"), "logs never on stdout");

        var (_, _, diagnostic) = Run("run", "--frames", "100", "-v", "diagnostic");
        Assert.That(Lines(diagnostic), Has.Some.Match(@"^trace: Nezha\.Driver\.NicDriver: read  0x[0-9A-F]{4} = "));
    }

    [Test]
    public void CheckJsonIsAllOfStdout()
    {
        var (code, stdout, stderr) = Run("check", "--config", TestFiles.DefaultConfig, "--json");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stderr);
        JsonNode ok = JsonNode.Parse(stdout)!;
        Assert.That(((bool)ok["ok"]!, (int)ok["width"]!, (bool)ok["widthGiven"]!, (int)ok["vnics"]!, (int)ok["routes"]!),
            Is.EqualTo((true, 64, false, 4, 5)));
        Assert.That(ok["errors"]!.AsArray(), Is.Empty);

        string bad = Path.Combine(_dir, "bad.json");
        File.WriteAllText(bad, """{ "global": { "nicMac": "zz", "vtepIp": "1.2.3.4", "nextHopMac": "02:00:00:00:00:02", "gatewayMac": "02:00:00:00:00:03", "mtu": 1 } }""");
        (code, stdout, stderr) = Run("check", "--config", bad, "--width", "8", "--json");
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        JsonNode failed = JsonNode.Parse(stdout)!;
        Assert.That(((bool)failed["ok"]!, (int)failed["width"]!, (bool)failed["widthGiven"]!), Is.EqualTo((false, 8, true)));
        Assert.That(failed["errors"]!.AsArray().Select(e => (string)e!), Is.EqualTo(Lines(stderr)));
        Assert.That(Lines(stderr), Has.Length.EqualTo(2));
    }

    [TestCase(new[] { "tap", "-c", "x.json", "--check", "maybe" }, "nezha: --check: \"maybe\" is not true or false")]
    [TestCase(new[] { "tap", "-c", "x.json", "--check=maybe" }, "nezha: --check: \"maybe\" is not true or false")]
    [TestCase(new[] { "stats", "--json", "nope" }, "nezha: --json: \"nope\" is not true or false")]
    [TestCase(new[] { "cluster", "--check", "perhaps" }, "nezha: --check: \"perhaps\" is not true or false")]
    [TestCase(new[] { "run", "--json", "yes" }, "nezha: --json: \"yes\" is not true or false")]
    public void ATrueFalseOptionSaysWhatItTakes(string[] args, string expected)
    {
        var (code, stdout, stderr) = Run(args);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(stdout, Is.Empty);
        Assert.That(Lines(stderr), Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void ATrueFalseOptionStillTakesTrueAndFalse()
    {
        var (code, _, stderr) = Run("tap", "-c", Path.Combine(_dir, "none.json"), "--check", "false", "--socket", "none");
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(Lines(stderr).Single(), Does.EndWith("none.json: no such file"), "parsed; stopped at the config");
    }
}
