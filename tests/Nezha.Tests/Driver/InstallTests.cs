using System.Diagnostics;
using NUnit.Framework;

namespace Nezha.Tests.Driver;

/// <summary>
/// <c>make install</c> puts <c>nezha</c> (a wrapper running the CLI built in this tree) and its bash completion
/// under PREFIX, never over a file it did not create; <c>make uninstall</c> removes only what install created.
/// </summary>
[TestFixture, System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class InstallTests
{
    private string _prefix = null!;
    private static readonly string Root = Path.GetDirectoryName(TestFiles.Find("Makefile"))!;

    [SetUp] public void SetUp() => _prefix = TestFiles.TempDir();
    [TearDown] public void TearDown() => Directory.Delete(_prefix, true);

    private string Bin => Path.Combine(_prefix, "bin", "nezha");
    private string Completion => Path.Combine(_prefix, "share", "bash-completion", "completions", "nezha");

    private static (int Code, string Out, string Err) Exec(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        Task<string> o = p.StandardOutput.ReadToEndAsync(), e = p.StandardError.ReadToEndAsync();
        Assert.That(p.WaitForExit(TimeSpan.FromMinutes(5)), Is.True, $"{file} {string.Join(" ", args)} did not finish");
        return (p.ExitCode, o.Result, e.Result);
    }

    private (int Code, string Out, string Err) Make(string target) => Exec("make", "--no-print-directory", target, $"PREFIX={_prefix}");

    [Test]
    public void InstallPutsAWorkingNezhaOnThePathAndUninstallRemovesIt()
    {
        var (code, _, err) = Make("install");
        Assert.That(code, Is.Zero, err);
        Assert.That(File.ReadAllText(Bin), Does.Contain("installed by the Nezha Makefile (make install)"));
        Assert.That(File.GetUnixFileMode(Bin) & UnixFileMode.UserExecute, Is.EqualTo(UnixFileMode.UserExecute));
        Assert.That(File.ReadAllText(Completion), Does.Contain("complete -o default -F _nezha nezha"));

        var (ran, stdout, stderr) = Exec(Bin, "check", "--config", TestFiles.DefaultConfig);
        Assert.That(ran, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("OK for the w64 build"));
        var (suggested, words, _) = Exec(Bin, "[suggest:10]", "nezha run ");
        Assert.That(suggested, Is.Zero);
        Assert.That(words.Split('\n'), Does.Contain("--frames"), "the completion script's source of candidates");

        Assert.That(Make("install").Code, Is.Zero, "installing again replaces its own files");
        (code, _, err) = Make("uninstall");
        Assert.That(code, Is.Zero, err);
        Assert.That(File.Exists(Bin) || File.Exists(Completion), Is.False);
    }

    [Test]
    public void InstallNeverOverwritesAFileItDidNotCreate()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Bin)!);
        File.WriteAllText(Bin, "#!/bin/sh\necho someone else's nezha\n");
        var (code, _, err) = Make("install");
        Assert.That(code, Is.Not.Zero);
        Assert.That(err, Does.Contain($"install: {Bin} exists and was not installed by this Makefile; not overwritten"));
        Assert.That(File.ReadAllText(Bin), Is.EqualTo("#!/bin/sh\necho someone else's nezha\n"));
        Assert.That(File.Exists(Completion), Is.False, "nothing installed");

        (code, _, err) = Make("uninstall");
        Assert.That(err, Does.Contain($"uninstall: {Bin} was not installed by this Makefile; left alone"));
        Assert.That(File.ReadAllText(Bin), Is.EqualTo("#!/bin/sh\necho someone else's nezha\n"));
    }

    [Test]
    public void InstallNeverReplacesASymbolicLink()
    {
        string target = Path.Combine(_prefix, "target");
        File.WriteAllText(target, "# installed by the Nezha Makefile (make install)\n");   // even one that points at a marked file
        Directory.CreateDirectory(Path.GetDirectoryName(Bin)!);
        File.CreateSymbolicLink(Bin, target);
        Assert.That(Make("install").Code, Is.Not.Zero);
        Assert.That(new FileInfo(Bin).LinkTarget, Is.EqualTo(target));
        Make("uninstall");
        Assert.That(new FileInfo(Bin).LinkTarget, Is.EqualTo(target), "uninstall leaves the link");
        Assert.That(File.ReadAllText(target), Is.EqualTo("# installed by the Nezha Makefile (make install)\n"));
    }
}
