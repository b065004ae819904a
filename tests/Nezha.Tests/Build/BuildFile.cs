using System.Text.Json;
using Nezha.Tests.Driver;
using Nezha.Verify.Sim;

namespace Nezha.Tests.Build;

/// <summary>rtl/builds.json as the tests read it: the parameter names in order and each build's values.</summary>
internal sealed class BuildFile
{
    public static string Path => TestFiles.Find(System.IO.Path.Combine("rtl", "builds.json"));

    /// <summary>The repository root (the directory holding rtl/).</summary>
    public static string Root => System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(Path))!;

    public required IReadOnlyList<string> Parameters { get; init; }
    public required IReadOnlyList<string> BuildNames { get; init; }
    private Dictionary<string, Dictionary<string, int>> _builds = new();

    public static BuildFile Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path));
        var root = doc.RootElement;
        var file = new BuildFile
        {
            Parameters = root.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToList(),
            BuildNames = root.GetProperty("builds").EnumerateArray().Select(b => b.GetProperty("name").GetString()!).ToList(),
        };
        foreach (var b in root.GetProperty("builds").EnumerateArray())
            file._builds[b.GetProperty("name").GetString()!] =
                b.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        return file;
    }

    /// <summary>The parameters of one build by name ("w64").</summary>
    public IReadOnlyDictionary<string, int> Build(string name) => _builds[name];

    /// <summary>The parameters of the build a simulator configuration was made from (SimConfig.W64 -> "w64").</summary>
    public IReadOnlyDictionary<string, int> Build(SimConfig config) => _builds[config.ToString().ToLowerInvariant()];

    /// <summary>The C# property of a parameter: DATA_W -> DataW, SESS_LOG2 -> SessLog2 (tools/gen_builds.py).</summary>
    public static string CsName(string parameter) =>
        string.Concat(parameter.Split('_').Select(s => s[..1] + s[1..].ToLowerInvariant()));
}
