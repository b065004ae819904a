using System.Text.RegularExpressions;
using Nezha.Cli;
using NUnit.Framework;

namespace Nezha.Tests.Driver;

/// <summary>
/// Every config in configs/ is listed in the README's "Shipped configs" table, and passes <c>nezha check</c> at
/// every build that table says it fits.
/// </summary>
[TestFixture]
public class ShippedConfigTests
{
    private static string ReadmePath => TestFiles.Find("README.md");

    /// <summary>The rows of the README's table: (config path relative to the repository, widths).</summary>
    private static List<(string Config, int[] Widths)> Table()
    {
        string text = File.ReadAllText(ReadmePath);
        int at = text.IndexOf("## Shipped configs", StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), "README.md has a \"Shipped configs\" section");
        var rows = new List<(string, int[])>();
        foreach (Match m in Regex.Matches(text[at..], @"^\| `(configs/[^`]+\.json)` \| ([^|]+) \|", RegexOptions.Multiline))
            rows.Add((m.Groups[1].Value, m.Groups[2].Value.Split(',', StringSplitOptions.TrimEntries)
                .Select(w => int.Parse(w.TrimStart('w'))).ToArray()));
        return rows;
    }

    public static IEnumerable<TestCaseData> ListedPairs() =>
        Table().SelectMany(r => r.Widths.Select(w => new TestCaseData(r.Config, w).SetName($"Fits_{Path.GetFileNameWithoutExtension(r.Config)}_w{w}")));

    [Test]
    public void EveryShippedConfigIsListed()
    {
        string root = Path.GetDirectoryName(ReadmePath)!;
        var listed = Table().Select(r => r.Config).ToList();
        var shipped = Directory.GetFiles(Path.Combine(root, "configs"), "*.json").Select(f => "configs/" + Path.GetFileName(f));
        Assert.That(listed, Is.Unique);
        Assert.That(listed, Is.EquivalentTo(shipped), "README.md's table lists exactly the configs in configs/");
        Assert.That(Table().All(r => r.Widths.Length > 0 && r.Widths.All(w => w is 8 or 64 or 512)), Is.True);
        Assert.That(Table().Single(r => r.Config == "configs/default.json").Widths, Does.Contain(64), "run's default config fits its default build");
    }

    [TestCaseSource(nameof(ListedPairs))]
    public void PassesCheckAtEveryListedWidth(string config, int width)
    {
        string path = Path.Combine(Path.GetDirectoryName(ReadmePath)!, config);
        var o = new StringWriter();
        var e = new StringWriter();
        int code = NezhaApp.Run(["check", "--config", path, "--width", width.ToString()], o, e);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), e.ToString());
        Assert.That(o.ToString(), Does.Contain($"OK for the w{width} build"));
    }
}
