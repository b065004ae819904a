using System.Text.Json.Nodes;
using Nezha.Cli;
using NUnit.Framework;

namespace Nezha.Tests.Driver;

/// <summary><c>nezha cluster</c> as a user runs it: simulated cards, the result table and the JSON of bench/results/nezha.json.</summary>
[TestFixture]
public class ClusterCommandSimTests
{
    private string _dir = null!;

    [SetUp] public void SetUp() => _dir = TestFiles.TempDir();
    [TearDown] public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void CpsScenarioMeasuresFullAndCompactBackEnds()
    {
        string json = Path.Combine(_dir, "nezha.json");
        var o = new StringWriter();
        var e = new StringWriter();
        int code = NezhaApp.Run(["cluster", "-s", "cps", "--fes", "1", "-n", "20", "--window", "8", "--acl-rules", "16",
            "--json", json, "--verbosity", "quiet"], o, e);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), e.ToString());
        Assert.That(o.ToString(), Does.Contain("compact").And.Contain("no offload"));
        string stdout = o.ToString();
        // ordinal: NUnit's Contain compares by culture, which ignores control characters such as ESC
        Assert.That(stdout.IndexOf('\u001b'), Is.EqualTo(-1), "no colour codes");
        Assert.That(stdout, Does.Not.Contain("CPS, 0 FEs").And.Not.Contain("━"), "stdout carries the results only: no progress display");
        Assert.That(e.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Has.Some.Match(@"^nezha: CPS, 0 FEs: done at \d+ s$"), "off a terminal, one plain line per finished step on stderr");

        var root = JsonNode.Parse(File.ReadAllText(json))!;
        var full = root["cps"]!.AsArray();
        var compact = root["cps_compact"]!.AsArray();
        Assert.That(full.Select(p => (int)p!["fes"]!), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(compact.Select(p => (int)p!["fes"]!), Is.EqualTo(new[] { 1 }), "compact points start at 1 FE");
        foreach (var p in full.Concat(compact))
        {
            Assert.That((long)p!["connections"]!, Is.GreaterThanOrEqualTo(15), p.ToJsonString());
            Assert.That((long)p["syn_retransmits"]!, Is.EqualTo(0), p.ToJsonString());
            Assert.That((double)p["cps"]!, Is.GreaterThan(0), p.ToJsonString());
        }
        double baseCps = (double)full[0]!["cps"]!;
        Assert.That((double)compact[0]!["normalised"]!, Is.EqualTo(Math.Round((double)compact[0]!["cps"]! / baseCps, 3)),
            "compact points are normalised to the 0-FE point");
        Assert.That((double)compact[0]!["be_slowpath_util"]!, Is.LessThan((double)full[0]!["be_slowpath_util"]!),
            "offloaded, the BE's slow path no longer scans the ACL");
    }
}
