using NUnit.Framework;

namespace Nezha.Tests.Interop;

/// <summary>Decodes captures with tshark, checksum validation on, and fails on malformed or bad-checksum findings.</summary>
internal static class Tshark
{
    /// <summary>
    /// Checksum validation on, and the payload of the test transfers (pseudo-random bytes on TCP ports 5001-5002, see
    /// <see cref="InteropFixture"/>) decoded as plain data: otherwise tshark's heuristic dissectors try every segment,
    /// and one whose random bytes happen to look like the start of a Thrift message is reported malformed
    /// (3 of 5 local runs of the interop tests).
    /// </summary>
    private static readonly string[] Preferences =
        ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
         "-d", "tcp.port==5001,data", "-d", "tcp.port==5002,data"];

    /// <summary>
    /// Frames tshark flags: malformed, any expert error (bad checksums are errors), any checksum status Bad —
    /// except TCP checksum 0xFFFF where 0x0000 is computed (<c>tcp.checksum.ffff</c>). That one is not a bad
    /// checksum: in ones' complement 0xFFFF and 0x0000 are the same number (RFC 1624), receivers accept it,
    /// and Linux writes it itself whenever a segment's checksum folds to 0 (skb_checksum_help substitutes
    /// CSUM_MANGLED_0) — about one segment in 65536 of what the namespaces send, which the card forwards
    /// untouched (it never rewrites L4).
    /// </summary>
    public const string Problems =
        "_ws.malformed || (_ws.expert.severity == \"Error\" && !tcp.checksum.ffff) || ip.checksum.status == \"Bad\" " +
        "|| (tcp.checksum.status == \"Bad\" && !tcp.checksum.ffff) || udp.checksum.status == \"Bad\" || icmp.checksum.status == \"Bad\"";

    /// <summary>
    /// <c>tshark -r FILE ARGS -T fields -e F1 -e F2 ...</c>: one line per frame, the fields separated by tabs (several
    /// values of one field by commas). Fails the test if tshark is missing or fails.
    /// </summary>
    public static List<string> Fields(string file, IEnumerable<string> args, params string[] fields)
    {
        if (Host.Which("tshark") is null) Assert.Fail("tshark is not installed (make deps installs it: apt-get install tshark)");
        var (code, o, e) = Host.Run("tshark", ["-n", "-r", file, .. args, "-T", "fields", "-E", "separator=/t", .. fields.SelectMany(f => new[] { "-e", f })],
            TimeSpan.FromSeconds(60), check: false);
        Assert.That(code, Is.Zero, $"tshark -r {file} failed:\n{e}");
        return o.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
    }

    public static void AssertClean(IEnumerable<string> captures)
    {
        foreach (string file in captures)
        {
            if (new FileInfo(file).Length <= 24) continue; // no frames
            var (code, o, e) = Host.Run("tshark", ["-n", "-r", file, .. Preferences, "-Y", Problems,
                "-T", "fields", "-e", "frame.number", "-e", "_ws.col.Protocol", "-e", "_ws.col.Info", "-e", "_ws.expert.message"],
                TimeSpan.FromSeconds(60), check: false);
            Assert.That(code, Is.Zero, $"tshark -r {file} failed:\n{e}");
            Assert.That(o.Trim(), Is.Empty, $"tshark finds malformed frames or bad checksums in {file}:\n{o}");

            string ffff = Host.Run("tshark", ["-n", "-r", file, .. Preferences, "-Y", "tcp.checksum.ffff", "-T", "fields", "-e", "frame.number"],
                TimeSpan.FromSeconds(60)).Out.Trim();
            if (ffff.Length > 0)
                TestContext.Progress.WriteLine($"  note: {Path.GetFileName(file)} frame(s) {ffff.Replace('\n', ' ')}: TCP checksum 0xFFFF for 0x0000 (RFC 1624, written so by the sending Linux kernel)");
        }
    }
}
