namespace Nezha.Tests.Driver;

internal static class TestFiles
{
    /// <summary>configs/default.json: next to the test assembly if copied there, else found by walking up.</summary>
    public static string DefaultConfig => Find(Path.Combine("configs", "default.json"));

    public static string Find(string relative)
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (DirectoryInfo? d = new(start); d is not null; d = d.Parent)
            {
                string p = Path.Combine(d.FullName, relative);
                if (File.Exists(p)) return p;
            }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "nezha-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
