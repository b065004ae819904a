using Nezha.Verify.Tap;
using NUnit.Framework;

namespace Nezha.Tests.Driver;

/// <summary>
/// <c>nezha tap --capture</c> and its limits are checked before anything is created: exit 2, one line, no device,
/// no socket, no file touched.
/// </summary>
[TestFixture]
public class TapCommandTests
{
    private string _dir = null!;
    private string _prefix = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = TestFiles.TempDir();
        _prefix = "nzc" + Guid.NewGuid().ToString("N")[..5];
    }

    [TearDown] public void TearDown() => Directory.Delete(_dir, true);

    /// <summary>Runs <c>nezha tap</c>, which must refuse (exit 2, one line) having created no device and no socket.</summary>
    private string Tap(params string[] extra)
    {
        string line = CliRun.Refused(CliRun.Run(
            ["tap", "--config", TestFiles.DefaultConfig, "--prefix", _prefix, "--socket", Path.Combine(_dir, "s.sock"), .. extra]));
        Assert.That(TapDevice.Exists(TapBridge.UnderlayDeviceName(_prefix)) || TapDevice.Exists(TapBridge.VnicDeviceName(_prefix, 0)), Is.False,
            "no device was created");
        Assert.That(File.Exists(Path.Combine(_dir, "s.sock")), Is.False, "no socket was created");
        return line;
    }

    [Test]
    public void CaptureWhereNothingCanBeWrittenIsRefusedUpFront()
    {
        Assert.That(Tap("--capture", "/proc/nezha-test-cap"), Does.StartWith("nezha: --capture: /proc/nezha-test-cap: cannot create the directory: "));
        Assert.That(Tap("--capture", "/proc"), Does.StartWith("nezha: --capture: /proc: cannot create files there: "));
    }

    [Test]
    public void CaptureNamingAFileOrAMissingChainIsRefused()
    {
        string file = Path.Combine(_dir, "victim");
        File.WriteAllText(file, "precious");
        Assert.That(Tap("--capture", file), Is.EqualTo($"nezha: --capture: {file} is not a directory"));
        Assert.That(File.ReadAllText(file), Is.EqualTo("precious"));
        string deep = Path.Combine(_dir, "a", "b");
        Assert.That(Tap("--capture", deep),
            Is.EqualTo($"nezha: --capture: {deep}: the directory {Path.Combine(_dir, "a")} does not exist (only the last level of a path is created)"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "a")), Is.False);
    }

    [Test]
    public void CaptureFilesOfAnEarlierRunAreNotReplacedWithoutForce()
    {
        string earlier = Path.Combine(_dir, TapBridge.VnicDeviceName(_prefix, 2) + ".1.pcap");
        File.WriteAllText(earlier, "earlier run");
        Assert.That(Tap("--capture", _dir), Is.EqualTo($"nezha: --capture: {earlier} already exists (--force replaces it)"));
        Assert.That(File.ReadAllText(earlier), Is.EqualTo("earlier run"));
        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { earlier }), "nothing else was created");
    }

    [Test]
    public void CaptureLimitsMustMakeSense()
    {
        Assert.That(Tap("--capture", _dir, "--capture-files", "0"), Is.EqualTo("nezha: --capture-files: 0 is not 1..1000"));
        Assert.That(Tap("--capture", _dir, "--capture-limit", "-1"), Is.EqualTo("nezha: --capture-limit: -1 is not 0..1000000 MB"));
        Assert.That(Tap("--capture-limit", "5"), Is.EqualTo("nezha: --force, --capture-limit and --capture-files only apply with --capture"));
        Assert.That(Tap("--force"), Is.EqualTo("nezha: --force, --capture-limit and --capture-files only apply with --capture"));
        Assert.That(Directory.GetFileSystemEntries(_dir), Is.Empty);
    }

    [Test]
    public void CaptureNamesCoverTheRotation()
    {
        var o = new TapBridgeOptions
        {
            Config = Nezha.Driver.Config.NicConfigLoader.Load(TestFiles.DefaultConfig, Nezha.Cli.Commands.KnownBuilds.For(64)),
            Prefix = "nz", CaptureDirectory = "/cap", CaptureLimitBytes = 1000, CaptureFiles = 3,
        };
        Assert.That(TapBridge.CapturePaths(o, "nzv1"), Is.EqualTo(new[] { "/cap/nzv1.pcap", "/cap/nzv1.1.pcap", "/cap/nzv1.2.pcap" }));
        Assert.That(TapBridge.CapturePaths(o with { CaptureLimitBytes = 0 }, "nzv1"), Is.EqualTo(new[] { "/cap/nzv1.pcap" }), "no limit: one file");
    }
}
