using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Nezha.Cli;
using Nezha.Verify.Tap;
using NUnit.Framework;

namespace Nezha.Tests.Driver;

/// <summary>
/// The control socket of <c>nezha tap</c> (run as root) is created only where nothing is, or in place of a stale
/// socket; it never deletes, replaces or follows anything else, creates no directory but its own run directory,
/// and removes on exit only the socket it created.
/// </summary>
[TestFixture]
public class ControlSocketPathTests
{
    private string _dir = null!;

    [SetUp] public void SetUp() => _dir = TestFiles.TempDir();
    [TearDown] public void TearDown() => Directory.Delete(_dir, true);

    private static Task<BridgeSnapshot> NoSnapshot() => Task.FromException<BridgeSnapshot>(new InvalidOperationException("no bridge"));

    private ControlServer Bind(string path) => ControlServer.Bind(path, NoSnapshot, NullLogger.Instance, Path.Combine(_dir, "run", "nezha"));

    private string? Problem(string path) => ControlServer.PathProblem(path, Path.Combine(_dir, "run", "nezha"));

    /// <summary>A file's content and identity, to show it was not touched.</summary>
    private static (string Content, FileIdentity Id) Fingerprint(string path) => (File.ReadAllText(path), UnixFile.Examine(path));

    private string Victim(string name = "victim.txt")
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, "root:x:0:0:root:/root:/bin/bash\n");
        return path;
    }

    private static Socket Listener(string path)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Bind(new UnixDomainSocketEndPoint(path));
        s.Listen(16);
        return s;
    }

    private static bool Answers(string path)
    {
        try
        {
            using var c = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            c.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Test]
    public void ARegularFileIsNeverReplaced()
    {
        string victim = Victim();
        var before = Fingerprint(victim);
        Assert.That(Problem(victim), Is.EqualTo($"{victim}: is a regular file, not a socket; only a stale socket is ever replaced"));
        var e = Assert.Throws<TapException>(() => Bind(victim))!;
        Assert.That(e.Message, Is.EqualTo(Problem(victim)));
        Assert.That(Fingerprint(victim), Is.EqualTo(before), "content and inode unchanged");
    }

    [Test]
    public void ASymbolicLinkIsNeitherFollowedNorReplaced()
    {
        string target = Victim("passwd");
        var before = Fingerprint(target);
        string link = Path.Combine(_dir, "link.sock");
        File.CreateSymbolicLink(link, target);
        Assert.That(Problem(link), Is.EqualTo($"{link}: is a symbolic link; a control socket never replaces one (and never follows it)"));
        Assert.Throws<TapException>(() => Bind(link));
        Assert.That(Fingerprint(target), Is.EqualTo(before), "the link's target is untouched");
        Assert.That(new FileInfo(link).LinkTarget, Is.EqualTo(target), "the link is still there");
    }

    [Test]
    public void ADanglingSymbolicLinkIsNotReplacedEither()
    {
        string link = Path.Combine(_dir, "dangling.sock");
        File.CreateSymbolicLink(link, Path.Combine(_dir, "nowhere"));
        Assert.Throws<TapException>(() => Bind(link));
        Assert.That(File.Exists(Path.Combine(_dir, "nowhere")), Is.False, "nothing was created through the link");
        Assert.That(new FileInfo(link).LinkTarget, Is.Not.Null);
    }

    [Test]
    public void ADirectoryIsRefused()
    {
        string sub = Path.Combine(_dir, "sub");
        Directory.CreateDirectory(sub);
        File.WriteAllText(Path.Combine(sub, "keep"), "x");
        Assert.That(Problem(sub), Is.EqualTo($"{sub}: is a directory, not a socket; only a stale socket is ever replaced"));
        Assert.Throws<TapException>(() => Bind(sub));
        Assert.That(File.ReadAllText(Path.Combine(sub, "keep")), Is.EqualTo("x"));
    }

    [Test]
    public void AMissingDirectoryIsNotCreated()
    {
        string path = Path.Combine(_dir, "no", "such", "x.sock");
        Assert.That(Problem(path), Is.EqualTo($"{path}: directory {Path.Combine(_dir, "no", "such")} does not exist (nezha creates no directory but {Path.Combine(_dir, "run", "nezha")})"));
        Assert.Throws<TapException>(() => Bind(path));
        Assert.That(Directory.Exists(Path.Combine(_dir, "no")), Is.False, "no directory was created");
    }

    [Test]
    public void AFileAsAParentIsRefused()
    {
        string victim = Victim();
        var before = Fingerprint(victim);
        string path = Path.Combine(victim, "x.sock");
        Assert.That(Problem(path), Is.EqualTo($"{path}: a parent of it is not a directory"));
        Assert.Throws<TapException>(() => Bind(path));
        Assert.That(Fingerprint(victim), Is.EqualTo(before));
    }

    [Test, System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void TheRunDirectoryIsCreatedOneLevelDeepOnly()
    {
        string run = Path.Combine(_dir, "run");
        string path = Path.Combine(run, "nezha", "nz.sock");
        Assert.That(Problem(path), Does.Contain("does not exist"), "its parent is missing too: not created");
        Assert.Throws<TapException>(() => Bind(path));
        Assert.That(Directory.Exists(run), Is.False);

        Directory.CreateDirectory(run);
        Assert.That(Problem(path), Is.Null);
        using (ControlServer s = Bind(path))
        {
            Assert.That(UnixFile.Examine(path).Kind, Is.EqualTo(PathKind.Socket));
            Assert.That(Answers(path), Is.True);
            UnixFileMode mode = File.GetUnixFileMode(Path.Combine(run, "nezha"));
            Assert.That(mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite), Is.EqualTo((UnixFileMode)0), "not writable by others");
        }
        Assert.That(File.Exists(path), Is.False, "the socket it created is removed on exit");
        Assert.That(Directory.Exists(Path.Combine(run, "nezha")), Is.True, "its own run directory stays");
    }

    [Test]
    public void AListenerThatDoesNotAcceptIsStillLive()
    {
        // its backlog full: a blocking connect would wait for ever
        string path = Path.Combine(_dir, "busy.sock");
        using var other = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        other.Bind(new UnixDomainSocketEndPoint(path));
        other.Listen(0);
        var filler = new List<Socket>();
        for (int i = 0; i < 4; i++)
        {
            var c = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false };
            try { c.Connect(new UnixDomainSocketEndPoint(path)); } catch (SocketException) { }
            filler.Add(c);
        }
        Assert.That(Problem(path), Does.StartWith($"{path}: a process is listening on this socket"));
        foreach (var c in filler) c.Dispose();
    }

    [Test]
    public void ALiveSocketOfAnotherListenerIsLeftAlone()
    {
        string path = Path.Combine(_dir, "live.sock");
        using Socket other = Listener(path);
        var before = UnixFile.Examine(path);
        Assert.That(Problem(path), Does.StartWith($"{path}: a process is listening on this socket"));
        Assert.Throws<TapException>(() => Bind(path));
        Assert.That(UnixFile.Examine(path), Is.EqualTo(before), "the other listener's socket is still there");
        Assert.That(Answers(path), Is.True, "and still answers");
    }

    [Test]
    public void AStaleSocketIsReplacedAndTheNewOneRemovedOnExit()
    {
        string path = Path.Combine(_dir, "stale.sock");
        // a bound socket that never listened (as a killed bridge leaves it): connect is refused
        using var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        stale.Bind(new UnixDomainSocketEndPoint(path));
        Assert.That(Problem(path), Is.Null);
        var old = UnixFile.Examine(path);
        using (ControlServer s = Bind(path))
        {
            var now = UnixFile.Examine(path);
            Assert.That(now.Kind, Is.EqualTo(PathKind.Socket));
            Assert.That(now.SameFileAs(old), Is.False, "a new socket took the stale one's place");
            Assert.That(Answers(path), Is.True);
        }
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public void TheServerAnswersStatsAndStopsPromptly()
    {
        string path = Path.Combine(_dir, "nz.sock");
        var snapshot = new BridgeSnapshot(1, 64, 1000, "test clock", 3, [], [], [], [], 0, 0, false, 0, 0, [], 0);
        var s = ControlServer.Bind(path, () => Task.FromResult(snapshot), NullLogger.Instance, Path.Combine(_dir, "run", "nezha"));
        s.Start();
        Assert.That(ControlServer.RequestSnapshot(path, TimeSpan.FromSeconds(10)), Has.Property("Clock").EqualTo("test clock").And.Property("Cycles").EqualTo(1000UL));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        s.Dispose();
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1.5)), "the accept loop ends with the listener");
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public void OnExitAFileThatTookTheSocketsPlaceIsNotRemoved()
    {
        string path = Path.Combine(_dir, "nz.sock");
        ControlServer s = Bind(path);
        File.Delete(path);
        File.WriteAllText(path, "someone else's\n");
        var before = Fingerprint(path);
        s.Dispose();
        Assert.That(Fingerprint(path), Is.EqualTo(before), "only the socket this process created is ever removed");
    }

    [Test]
    public void TapRefusesABadSocketPathBeforeCreatingAnything()
    {
        string victim = Victim();
        var before = Fingerprint(victim);
        var (code, stdout, stderr) = Cli.Run("tap", "--config", TestFiles.DefaultConfig, "--prefix", "nzsockt", "--socket", victim);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(stdout, Is.Empty);
        Assert.That(Cli.OneLine(stderr), Is.EqualTo($"nezha: --socket {victim}: is a regular file, not a socket; only a stale socket is ever replaced"));
        Assert.That(Fingerprint(victim), Is.EqualTo(before));
        Assert.That(Directory.Exists("/sys/class/net/nzsocktul"), Is.False, "no device was created");

        string missing = Path.Combine(_dir, "nonexistent", "dir", "x.sock");
        (code, _, stderr) = Cli.Run("tap", "--config", TestFiles.DefaultConfig, "--prefix", "nzsockt", "--socket", missing);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(Cli.OneLine(stderr), Does.StartWith($"nezha: --socket {missing}: directory {Path.GetDirectoryName(missing)} does not exist"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "nonexistent")), Is.False);
    }

    [Test]
    public void StatsSaysARegularFileIsNotASocket()
    {
        string victim = Victim();
        var before = Fingerprint(victim);
        var (code, stdout, stderr) = Cli.Run("stats", "--socket", victim);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(stdout, Is.Empty);
        Assert.That(Cli.OneLine(stderr), Is.EqualTo($"nezha: --socket {victim}: is a regular file, not a socket"));
        Assert.That(Fingerprint(victim), Is.EqualTo(before));
    }
}
