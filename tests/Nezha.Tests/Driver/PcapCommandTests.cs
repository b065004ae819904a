using System.Buffers.Binary;
using Nezha.Cli;
using Nezha.Verify.Pcap;
using NUnit.Framework;
using static Nezha.Tests.Driver.CliRun;

namespace Nezha.Tests.Driver;

/// <summary>
/// <c>nezha pcap</c> refuses bad arguments with exit 2 and one line before it builds a card or writes anything,
/// and never overwrites a file it did not create (it runs as root).
/// </summary>
[TestFixture]
public class PcapCommandTests
{
    private string _dir = null!;

    [SetUp] public void SetUp() => _dir = TestFiles.TempDir();
    [TearDown] public void TearDown() => Directory.Delete(_dir, true);

    private string Capture()
    {
        string path = Path.Combine(_dir, "in.pcap");
        using var w = PcapWriter.Create(path);
        w.Write(new byte[60], 0);
        return path;
    }

    /// <summary>A config with only these vNICs (ACL set 0 allows everything; no routes or mappings).</summary>
    private string Config(string name, string vnics)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, $$"""
            { "global": { "nicMac": "02:00:00:00:01:01", "vtepIp": "192.168.100.1", "nextHopMac": "02:00:00:00:fe:01",
                          "gatewayMac": "02:00:00:00:00:fe" },
              "vnics": [ {{vnics}} ],
              "acls": [ { "set": 0, "rules": [ { "direction": "egress", "action": "allow" }, { "direction": "ingress", "action": "allow" } ] } ] }
            """);
        return path;
    }

    private (int, string, string) Pcap(string output, params string[] extra) =>
        Run(["pcap", "-c", TestFiles.DefaultConfig, "-i", Capture(), "-p", "host", "-o", output, .. extra]);

    private string[] Entries() => Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Order().ToArray()!;

    [Test]
    public void OutNamingAFileIsRefusedAndTheFileUntouched()
    {
        string victim = Path.Combine(_dir, "passwd");
        File.WriteAllText(victim, "root:x:0:0\n");
        Assert.That(Refused(Pcap(victim)), Is.EqualTo($"nezha: --out: {victim} is not a directory"));
        Assert.That(File.ReadAllText(victim), Is.EqualTo("root:x:0:0\n"));
        Assert.That(Entries(), Is.EqualTo(new[] { "in.pcap", "passwd" }));
    }

    [Test]
    public void OutCreatesOnlyTheLastLevel()
    {
        string deep = Path.Combine(_dir, "a", "b");
        Assert.That(Refused(Pcap(deep)),
            Is.EqualTo($"nezha: --out: {deep}: the directory {Path.Combine(_dir, "a")} does not exist (only the last level of a path is created)"));
        Assert.That(Entries(), Is.EqualTo(new[] { "in.pcap" }), "no directory was created");

        string file = Path.Combine(_dir, "f");
        File.WriteAllText(file, "x");
        Assert.That(Refused(Pcap(Path.Combine(file, "out"))), Is.EqualTo($"nezha: --out: {Path.Combine(file, "out")}: {file} is not a directory"));
    }

    /// <summary>/proc takes neither directories nor files, even from root: refused before the card is built.</summary>
    [Test]
    public void OutWhereNothingCanBeWrittenIsRefusedUpFront()
    {
        Assert.That(Refused(Pcap("/proc/nezha-test-out")),
            Does.StartWith("nezha: --out: /proc/nezha-test-out: cannot create the directory: "));
        Assert.That(Directory.Exists("/proc/nezha-test-out"), Is.False);
        Assert.That(Refused(Pcap("/proc")), Does.StartWith("nezha: --out: /proc: cannot create files there: "));
    }

    [Test]
    public void AnExistingOutputIsNotReplacedWithoutForce()
    {
        string existing = Path.Combine(_dir, "replay.pcapng");
        File.WriteAllText(existing, "someone's file");
        Assert.That(Refused(Pcap(_dir)), Is.EqualTo($"nezha: --out: {existing} already exists (--force replaces it)"));
        Assert.That(File.ReadAllText(existing), Is.EqualTo("someone's file"));

        File.Delete(existing);
        Directory.CreateDirectory(existing);
        Assert.That(Refused(Pcap(_dir, "--force")), Is.EqualTo($"nezha: --out: {existing} is a directory; not replaced"));
    }

    /// <summary>The simulator writes --trace itself: the same rules, checked before it starts.</summary>
    [Test]
    public void AnExistingTraceIsNotReplacedWithoutForceNorADirectoryMade()
    {
        string trace = Path.Combine(_dir, "wave.fst");
        File.WriteAllText(trace, "someone's waveform");
        Assert.That(Refused(Pcap(Path.Combine(_dir, "out"), "--trace", trace)), Is.EqualTo($"nezha: --trace: {trace} already exists (--force replaces it)"));
        Assert.That(File.ReadAllText(trace), Is.EqualTo("someone's waveform"));
        string missing = Path.Combine(_dir, "nodir", "wave.fst");
        Assert.That(Refused(Pcap(Path.Combine(_dir, "out"), "--trace", missing)),
            Is.EqualTo($"nezha: --trace: {missing}: the directory {Path.Combine(_dir, "nodir")} does not exist"));
        Assert.That(Entries(), Is.EqualTo(new[] { "in.pcap", "wave.fst" }));
    }

    [Test]
    public void VnicMustBeAnEnabledVnicOfTheConfig()
    {
        string cfg = TestFiles.DefaultConfig;
        Assert.That(Refused(Pcap(Path.Combine(_dir, "out"), "--vnic", "5")),
            Is.EqualTo($"nezha: --vnic: vNIC 5 is not defined in {cfg} (enabled vNICs: 0, 1, 2, 3); the card would drop every frame"));
        Assert.That(Refused(Pcap(Path.Combine(_dir, "out"), "--vnic", "16")),
            Is.EqualTo("nezha: --vnic: 16 is out of range 0..15 for the w64 build"));

        string disabled = Config("disabled.json", """
            { "id": 0, "vni": 100, "mac": "02:64:00:00:00:0a", "ip": "10.0.0.10", "gateway": "10.0.0.1", "aclSet": 0 },
            { "id": 1, "vni": 100, "mac": "02:64:00:00:00:0b", "ip": "10.0.0.11", "gateway": "10.0.0.1", "aclSet": 0, "enabled": false },
            """);
        Assert.That(Refused(Run("pcap", "-c", disabled, "-i", Capture(), "-p", "host", "--vnic", "1", "-o", Path.Combine(_dir, "out"))),
            Is.EqualTo($"nezha: --vnic: vNIC 1 is disabled in {disabled} (enabled vNICs: 0); the card would drop every frame"));

        string noZero = Config("nozero.json", """
            { "id": 1, "vni": 100, "mac": "02:64:00:00:00:0b", "ip": "10.0.0.11", "gateway": "10.0.0.1", "aclSet": 0 },
            """);
        Assert.That(Refused(Run("pcap", "-c", noZero, "-i", Capture(), "-p", "host", "-o", Path.Combine(_dir, "out"))),
            Is.EqualTo($"nezha: --vnic: vNIC 0 (the default without --vnic) is not defined in {noZero} (enabled vNICs: 1); the card would drop every frame"));
        Assert.That(Entries(), Is.EqualTo(new[] { "disabled.json", "in.pcap", "nozero.json" }), "nothing was created");
    }

    [Test]
    public void ANonEthernetInterfaceIsNamedByItsIndex()
    {
        string ng = Path.Combine(_dir, "sll.pcapng");
        var ms = new MemoryStream();
        using (var w = new PcapNgWriter(ms, ownsStream: false))
        {
            w.AddInterface("eth0");
            w.AddInterface("any", linkType: 113);
        }
        File.WriteAllBytes(ng, ms.ToArray());
        Assert.That(Refused(Run("pcap", "-c", TestFiles.DefaultConfig, "-i", ng, "-p", "host", "-o", Path.Combine(_dir, "out"))),
            Is.EqualTo($"nezha: {ng}: interface 1: link type 113 (LINUX_SLL, Linux cooked capture) is not Ethernet (1)"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "out")), Is.False);
    }

    [Test]
    public void InNamingADirectoryIsRefused()
    {
        Assert.That(Refused(Run("pcap", "-c", TestFiles.DefaultConfig, "-i", _dir, "-p", "host", "-o", Path.Combine(_dir, "out"))),
            Is.EqualTo($"nezha: --in: {_dir} is a directory, not a capture file"));
    }

    // ------------------------------------------------------------------ with the simulated card

    [Test]
    public void ForceReplacesALinkItselfNotWhatItPointsTo()
    {
        string victim = Path.Combine(_dir, "victim");
        File.WriteAllText(victim, "precious");
        string output = Path.Combine(_dir, "replay.pcapng");
        File.CreateSymbolicLink(output, victim);
        var r = Pcap(_dir, "--force", "--verbosity", "quiet");
        Assert.That(r.Item1, Is.EqualTo(ExitCodes.Ok), r.Item3);
        Assert.That(File.ReadAllText(victim), Is.EqualTo("precious"), "not written through the link");
        Assert.That(new FileInfo(output).LinkTarget, Is.Null, "the link was replaced by the new file");
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(output)), Is.EqualTo(0x0A0D0D0Au));
        Assert.That(Entries(), Is.EqualTo(new[] { "in.pcap", "replay.pcapng", "victim" }), "no temporary file left");
    }

    [Test]
    public void OutIsCreatedWhenOnlyItsLastLevelIsMissing()
    {
        string output = Path.Combine(_dir, "new");
        var r = Pcap(output, "--verbosity", "quiet");
        Assert.That(r.Item1, Is.EqualTo(ExitCodes.Ok), r.Item3);
        Assert.That(Directory.GetFiles(output).Select(Path.GetFileName), Is.EqualTo(new[] { "replay.pcapng" }));
    }

    [Test]
    public void ACardStillBusyExits1AndKeepsWhatCameOut()
    {
        var r = Pcap(_dir, "--max-cycles", "5", "--verbosity", "quiet");
        Assert.That(r.Item1, Is.EqualTo(ExitCodes.Failure));
        Assert.That(r.Item3, Does.Contain("the card was still busy after").And.Contain("raise --max-cycles"));
        Assert.That(File.Exists(Path.Combine(_dir, "replay.pcapng")), Is.True);
    }
}
