using Nezha.Verify.Pcap;
using NUnit.Framework;

namespace Nezha.Tests.Driver;

/// <summary>The rules for files the tools write as root (OutputFiles, PendingFile) and the rotating capture.</summary>
[TestFixture]
public class OutputFilesTests
{
    private string _dir = null!;

    [SetUp] public void SetUp() => _dir = TestFiles.TempDir();
    [TearDown] public void TearDown() => Directory.Delete(_dir, true);

    private string P(params string[] parts) => Path.Combine([_dir, .. parts]);

    private string[] Entries(string? dir = null) =>
        Directory.GetFileSystemEntries(dir ?? _dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Test]
    public void DirectoryProblems()
    {
        File.WriteAllText(P("file"), "x");
        Assert.That(OutputFiles.DirectoryProblem(_dir), Is.Null);
        Assert.That(OutputFiles.DirectoryProblem(P("new")), Is.Null, "only the last level missing");
        Assert.That(OutputFiles.DirectoryProblem(P("file")), Is.EqualTo($"{P("file")} is not a directory"));
        Assert.That(OutputFiles.DirectoryProblem(P("file", "x")), Is.EqualTo($"{P("file", "x")}: {P("file")} is not a directory"));
        Assert.That(OutputFiles.DirectoryProblem(P("a", "b")),
            Is.EqualTo($"{P("a", "b")}: the directory {P("a")} does not exist (only the last level of a path is created)"));
        File.CreateSymbolicLink(P("dangling"), P("nowhere"));
        Assert.That(OutputFiles.DirectoryProblem(P("dangling")), Is.EqualTo($"{P("dangling")} is not a directory"));
        Assert.That(Entries(), Is.EqualTo(new[] { "dangling", "file" }), "the checks create nothing");
    }

    [Test]
    public void PrepareDirectoryCreatesTheLastLevelAndLeavesNoProbe()
    {
        Assert.That(OutputFiles.PrepareDirectory(P("new")), Is.True);
        Assert.That(OutputFiles.PrepareDirectory(P("new")), Is.False, "already there");
        Assert.That(Entries(P("new")), Is.Empty, "the probe file is gone");
        var e = Assert.Throws<IOException>(() => OutputFiles.PrepareDirectory(P("x", "y")))!;
        Assert.That(e.Message, Does.EndWith("does not exist (only the last level of a path is created)"));
        Assert.That(Directory.Exists(P("x")), Is.False);
        e = Assert.Throws<IOException>(() => OutputFiles.PrepareDirectory("/proc/nezha-test"))!;
        Assert.That(e.Message, Does.StartWith("/proc/nezha-test: cannot create the directory: ").And.Contain("(errno "));
        e = Assert.Throws<IOException>(() => OutputFiles.PrepareDirectory("/proc"))!;
        Assert.That(e.Message, Does.StartWith("/proc: cannot create files there: "));
    }

    [Test]
    public void FileProblems()
    {
        File.WriteAllText(P("f"), "x");
        Directory.CreateDirectory(P("d"));
        File.CreateSymbolicLink(P("l"), P("nowhere"));
        Assert.That(OutputFiles.FileProblem(P("new"), replace: false), Is.Null);
        Assert.That(OutputFiles.FileProblem(P("f"), replace: false), Is.EqualTo($"{P("f")} already exists (--force replaces it)"));
        Assert.That(OutputFiles.FileProblem(P("l"), replace: false), Is.EqualTo($"{P("l")} already exists (--force replaces it)"), "a dangling link exists");
        Assert.That(OutputFiles.FileProblem(P("f"), replace: true), Is.Null);
        Assert.That(OutputFiles.FileProblem(P("l"), replace: true), Is.Null);
        Assert.That(OutputFiles.FileProblem(P("d"), replace: true), Is.EqualTo($"{P("d")} is a directory; not replaced"));
    }

    [Test]
    public void CreateNeverWritesThroughALink()
    {
        File.WriteAllText(P("victim"), "precious");
        File.CreateSymbolicLink(P("out"), P("victim"));
        Assert.Throws<IOException>(() => OutputFiles.Create(P("out"), replace: false).Dispose(), "without replace: refused");
        using (FileStream s = OutputFiles.Create(P("out"), replace: true)) s.Write("new"u8);
        Assert.That(File.ReadAllText(P("victim")), Is.EqualTo("precious"));
        Assert.That(File.ReadAllText(P("out")), Is.EqualTo("new"));
        Assert.That(new FileInfo(P("out")).LinkTarget, Is.Null);
        Assert.That(Entries(), Is.EqualTo(new[] { "out", "victim" }));
    }

    [Test]
    public void APendingFileReplacesNothingUntilCommittedAndLeavesNothingWhenNot()
    {
        File.WriteAllText(P("out"), "old");
        using (PendingFile p = PendingFile.Create(P("out")))
        {
            p.Stream.Write("new"u8);
            Assert.That(File.ReadAllText(P("out")), Is.EqualTo("old"), "untouched while pending");
            Assert.That(Path.GetFileName(p.TempPath), Does.StartWith(".out.").And.EndWith(".tmp"));
        }
        Assert.That(Entries(), Is.EqualTo(new[] { "out" }), "the temporary file is gone");

        using (PendingFile p = PendingFile.Create(P("out")))
        {
            p.Stream.Write("new"u8);
            Assert.Throws<IOException>(() => p.Commit(replace: false));
            Assert.That(File.ReadAllText(P("out")), Is.EqualTo("old"));
        }
        Assert.That(Entries(), Is.EqualTo(new[] { "out" }));

        using (PendingFile p = PendingFile.Create(P("out")))
        {
            p.Stream.Write("new"u8);
            p.Commit(replace: true);
        }
        Assert.That(File.ReadAllText(P("out")), Is.EqualTo("new"));
        Assert.That(Entries(), Is.EqualTo(new[] { "out" }));
    }

    // ------------------------------------------------------------------ rotation

    private static readonly byte[] Frame60 = new byte[60];
    private const long Record = 16 + 60;

    [Test]
    public void RotatesAtTheLimitAndKeepsTheNewestFiles()
    {
        long limit = PcapWriter.FileHeaderLength + 2 * Record; // two frames per file
        using (var w = new RotatingPcapWriter(_dir, "dev", limit, files: 3, replace: false))
        {
            for (int i = 0; i < 9; i++)
            {
                Frame60[0] = (byte)i;
                w.Write(Frame60, (ulong)i);
            }
            Assert.That(w.Rotations, Is.EqualTo(4));
            Assert.That(w.Files, Is.EqualTo(new[] { P("dev.pcap"), P("dev.1.pcap"), P("dev.2.pcap") }));
        }
        Assert.That(Entries(), Is.EqualTo(new[] { "dev.1.pcap", "dev.2.pcap", "dev.pcap" }), "the oldest files were deleted");
        Assert.That(Entries().Select(f => new FileInfo(P(f)).Length), Is.All.LessThanOrEqualTo(limit));
        byte[] First(string f) => CaptureReader.ReadFile(P(f)).Select(x => x.Data.Span[0]).Select(b => (byte)b).ToArray();
        Assert.That(First("dev.2.pcap"), Is.EqualTo(new byte[] { 4, 5 }));
        Assert.That(First("dev.1.pcap"), Is.EqualTo(new byte[] { 6, 7 }));
        Assert.That(First("dev.pcap"), Is.EqualTo(new byte[] { 8 }));
    }

    [Test]
    public void RotationTouchesNoFileItDidNotCreate()
    {
        foreach (string f in (string[])["dev.3.pcap", "dev.pcap.bak", "other.pcap"]) File.WriteAllText(P(f), f);
        using (var w = new RotatingPcapWriter(_dir, "dev", PcapWriter.FileHeaderLength + Record, files: 3, replace: false))
            for (int i = 0; i < 10; i++) w.Write(Frame60, 0);
        foreach (string f in (string[])["dev.3.pcap", "dev.pcap.bak", "other.pcap"]) Assert.That(File.ReadAllText(P(f)), Is.EqualTo(f));
        Assert.That(Entries(), Is.EqualTo(new[] { "dev.1.pcap", "dev.2.pcap", "dev.3.pcap", "dev.pcap", "dev.pcap.bak", "other.pcap" }));
    }

    [Test]
    public void WithoutReplaceAnEarlierFileStopsTheWriterBeforeItWrites()
    {
        File.WriteAllText(P("dev.pcap"), "earlier run");
        Assert.Throws<IOException>(() => new RotatingPcapWriter(_dir, "dev", 0, 1, replace: false));
        Assert.That(File.ReadAllText(P("dev.pcap")), Is.EqualTo("earlier run"));
    }

    [Test]
    public void ReplaceReplacesLinksNotTheirTargets()
    {
        File.WriteAllText(P("victim"), "precious");
        File.CreateSymbolicLink(P("dev.pcap"), P("victim"));
        File.CreateSymbolicLink(P("dev.1.pcap"), P("victim"));
        using (var w = new RotatingPcapWriter(_dir, "dev", PcapWriter.FileHeaderLength + Record, files: 2, replace: true))
            for (int i = 0; i < 3; i++) w.Write(Frame60, 0);
        Assert.That(File.ReadAllText(P("victim")), Is.EqualTo("precious"));
        Assert.That(CaptureReader.ReadFile(P("dev.pcap")), Has.Count.EqualTo(1));
        Assert.That(CaptureReader.ReadFile(P("dev.1.pcap")), Has.Count.EqualTo(1));
    }

    [Test]
    public void NoLimitMeansOneGrowingFileAndALargeRecordStillGetsAFile()
    {
        using (var w = new RotatingPcapWriter(_dir, "a", 0, files: 3, replace: false))
            for (int i = 0; i < 50; i++) w.Write(Frame60, 0);
        Assert.That(Entries(), Is.EqualTo(new[] { "a.pcap" }));
        Assert.That(RotatingPcapWriter.FilePaths(_dir, "a", 0, 3), Is.EqualTo(new[] { P("a.pcap") }));
        Assert.That(RotatingPcapWriter.FilePaths(_dir, "a", 1000, 3), Is.EqualTo(new[] { P("a.pcap"), P("a.1.pcap"), P("a.2.pcap") }));

        using (var w = new RotatingPcapWriter(_dir, "b", 50, files: 2, replace: false))
        {
            w.Write(new byte[1000], 0);
            w.Write(new byte[1000], 1);
        }
        Assert.That(CaptureReader.ReadFile(P("b.pcap")).Single().Data.Length, Is.EqualTo(1000));
        Assert.That(CaptureReader.ReadFile(P("b.1.pcap")).Single().Data.Length, Is.EqualTo(1000));
    }

    [Test]
    public void DiscardDeletesOnlyItsOwnFiles()
    {
        File.WriteAllText(P("keep.pcap"), "x");
        var w = new RotatingPcapWriter(_dir, "dev", PcapWriter.FileHeaderLength + Record, files: 3, replace: false);
        w.Write(Frame60, 0);
        w.Write(Frame60, 0);
        w.Discard();
        Assert.That(Entries(), Is.EqualTo(new[] { "keep.pcap" }));
    }
}
