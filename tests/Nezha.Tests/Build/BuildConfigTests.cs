using System.Diagnostics;
using Nezha.Common;
using Nezha.Verify.Sim;
using Nezha.Verify.Testbench;
using NUnit.Framework;

namespace Nezha.Tests.Build;

/// <summary>
/// rtl/builds.json is the one source of the builds (docs/datapath-spec.md section 1): NicParams is generated
/// from it, the simulator's configurations are its builds, and tools/gen_builds.py (which the Makefile asks for
/// the Verilator, yosys and shim parameters) reads it and refuses a bad file in one line. That the built models
/// agree with it is checked on the models themselves (RegisterTests.ParameterRegistersMatchTheBuildFile).
/// </summary>
[TestFixture]
public class BuildConfigTests
{
    [Test]
    public void NicParamsAreTheBuildFile()
    {
        var file = BuildFile.Load();
        Assert.That(NicParams.BuildNames, Is.EqualTo(file.BuildNames), "make regs after changing rtl/builds.json");
        foreach (string name in file.BuildNames)
        {
            NicParams p = NicParams.ByName(name);
            foreach (string param in file.Parameters)
            {
                var prop = typeof(NicParams).GetProperty(BuildFile.CsName(param));
                Assert.That(prop, Is.Not.Null, $"NicParams has no {BuildFile.CsName(param)} for {param} (make regs)");
                Assert.That(prop!.GetValue(p), Is.EqualTo(file.Build(name)[param]), $"{name}: {param} (make regs)");
            }
            Assert.DoesNotThrow(p.Validate, name);
        }
        Assert.That(typeof(NicParams).GetConstructors().Single(c => c.GetParameters().Length > 1).GetParameters().Select(a => a.Name),
                    Is.EqualTo(file.Parameters.Select(BuildFile.CsName)), "one record parameter per build parameter, in order");
    }

    [Test]
    public void TheSimulatorsConfigurationsAreTheFilesBuilds()
    {
        var file = BuildFile.Load();
        Assert.That(Enum.GetValues<SimConfig>().Select(c => c.ToString().ToLowerInvariant()), Is.EqualTo(file.BuildNames),
                    "sim/nezha_sim.cpp, the Makefile's CONFIGS and SimConfig hold one model per build");
        foreach (SimConfig c in Enum.GetValues<SimConfig>())
            Assert.That(NicBench.ParamsFor(c), Is.EqualTo(NicParams.ByName(c.ToString())), c.ToString());
    }

    private static (int Code, string Out, string Err) Tool(params string[] args)
    {
        var psi = new ProcessStartInfo("python3") { WorkingDirectory = BuildFile.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine("tools", "gen_builds.py"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        Task<string> o = p.StandardOutput.ReadToEndAsync(), e = p.StandardError.ReadToEndAsync();
        Assert.That(p.WaitForExit(TimeSpan.FromMinutes(1)), Is.True, "gen_builds.py did not finish");
        return (p.ExitCode, o.Result, e.Result);
    }

    /// <summary>Exit 2 (the CLI's usage code), nothing on stdout, one line on stderr: returns the line.</summary>
    private static string Refused((int Code, string Out, string Err) r) => Driver.CliRun.Refused(r);

    [Test]
    public void ParamsAreTheMakefilesLineInTheFilesOrder()
    {
        var file = BuildFile.Load();
        foreach (string name in file.BuildNames)
        {
            var (code, stdout, stderr) = Tool("--params", name);
            Assert.That(code, Is.Zero, stderr);
            Assert.That(stdout.TrimEnd('\n'), Is.EqualTo(string.Join(" ", file.Parameters.Select(p => $"{p}={file.Build(name)[p]}"))));
        }
    }

    [Test]
    public void GeneratedArtefactsAreCurrent()
    {
        var (code, stdout, stderr) = Tool("--check");
        Assert.That(code, Is.Zero, stdout + stderr);
        Assert.That(stdout, Does.Contain("up to date"));
    }

    [Test]
    public void BadArgumentsAreRefused()
    {
        Assert.That(Refused(Tool("--params", "w9")), Does.Contain("rtl/builds.json: no build 'w9' (builds: w8, w64, w512)"));
        Assert.That(Refused(Tool("--params")), Does.Contain("--params needs one build name"));
        Assert.That(Refused(Tool("--frobnicate")), Does.Contain("unknown arguments '--frobnicate'"));
        Assert.That(Refused(Tool("--source", "x.json", "--check")), Does.Contain("--source FILE goes with --params BUILD only"));
    }

    // the files are written with ' for " (attribute constants); two good parameters, then the builds
    private const string Good = "{'parameters': [{'name': 'DATA_W', 'desc': 'width'}, {'name': 'VNIC_W', 'desc': 'vNIC bits'}], ";

    [TestCase(Good + "'builds': [{'name': 'w8', 'use': 'u', 'params': {'DATA_W': 8}}]}", "builds[0] (w8): params: VNIC_W is missing")]
    [TestCase(Good + "'builds': [{'name': 'w8', 'use': 'u', 'params': {'DATA_W': '8', 'VNIC_W': 2}}]}",
              "builds[0] (w8): params: DATA_W must be an integer 0..2147483647, not \"8\"")]
    [TestCase(Good + "'builds': [{'name': 'w8', 'use': 'u', 'params': {'DATA_W': 8, 'VNIC_W': -1}}]}",
              "builds[0] (w8): params: VNIC_W must be an integer 0..2147483647, not -1")]
    [TestCase(Good + "'builds': [{'name': 'w8', 'use': 'u', 'params': {'DATA_W': 8, 'VNIC_W': 2, 'ROUTES': 4}}]}",
              "builds[0] (w8): params: ROUTES is not in the parameters list")]
    [TestCase(Good + "'builds': [{'name': 'w8', 'params': {'DATA_W': 8, 'VNIC_W': 2}}]}", "builds[0] (w8): use: missing")]
    [TestCase(Good + "'builds': [{'name': 'W8', 'use': 'u', 'params': {}}]}", "builds[0]: name must be lower-case letters and digits")]
    [TestCase(Good + "'builds': []}", "builds: must be a non-empty list")]
    [TestCase(Good + "'builds': [{'name': 'w8', 'use': 'u', 'params': {'DATA_W': 8, 'VNIC_W': 2}}, {'name': 'w8', 'use': 'v', 'params': {}}]}",
              "builds[1]: w8 is listed twice")]
    [TestCase("{'parameters': [{'name': 'data_w', 'desc': 'x'}], 'builds': []}", "parameters[0]: name must be an upper-case Verilog parameter name")]
    [TestCase("{'parameters': [{'name': 'DATA_W', 'desc': 'x'}, {'name': 'DATA_W', 'desc': 'y'}], 'builds': []}",
              "parameters[1]: DATA_W is listed twice")]
    [TestCase("{'parameters': [", "not valid JSON: ")]
    public void BadBuildFilesAreRefusedInOneLine(string json, string problem)
    {
        string dir = Driver.TestFiles.TempDir();
        try
        {
            string path = Path.Combine(dir, "builds.json");
            File.WriteAllText(path, json.Replace('\'', '"'));
            Assert.That(Refused(Tool("--source", path, "--params", "w8")), Does.StartWith($"gen_builds: {path}: {problem}"));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void AMissingBuildFileIsRefused()
    {
        string path = Path.Combine(Path.GetTempPath(), "nezha-no-such-dir-" + Guid.NewGuid().ToString("N")[..8], "builds.json");
        Assert.That(Refused(Tool("--source", path, "--params", "w8")), Is.EqualTo($"gen_builds: {path}: cannot read: No such file or directory"));
    }
}
