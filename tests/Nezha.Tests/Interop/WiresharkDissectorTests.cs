using Nezha.Common;
using Nezha.Common.Registers;
using Nezha.Tests.Driver;
using Nezha.Verify.Model;
using Nezha.Verify.Pcap;
using Nezha.Verify.Testbench;
using NUnit.Framework;
using static Nezha.Verify.Testbench.FrameBuilder;

namespace Nezha.Tests.Interop;

/// <summary>
/// tools/wireshark/nezha.lua in tshark: context packets of all four kinds, built by the stimulus builder
/// (<see cref="ContextPackets"/>, byte by byte from the spec) and by the golden model's builders
/// (<see cref="ContextOption"/>, <see cref="ContextFrames"/>, <see cref="HeaderBuilder"/>), written to a pcap and
/// decoded by <c>tshark -X lua_script:...</c>; every field must be what was built. Needs tshark (make deps), not root.
/// </summary>
[TestFixture]
public class WiresharkDissectorTests
{
    private static readonly ulong NicMac = Mac("02:00:00:00:01:01"), NhMac = Mac("02:00:00:00:fe:01");
    private static readonly ulong VmMac = Mac("02:64:00:00:00:0a"), GwMac = Mac("02:00:00:00:00:fe"), RemoteMac = Mac("02:64:00:00:00:14");
    private const string Be = "192.168.100.1", Fe = "192.168.100.2", Remote = "192.168.100.3";

    private static readonly string[] Fields =
    [
        "nezha.kind", "nezha.dir", "nezha.tun", "nezha.vnic", "nezha.version", "nezha.be_id", "nezha.vtep", "nezha.tick",
        "nezha.mac", "nezha.act", "nezha.option_index", "geneve.vni", "nezha.bad", "nezha.not_first",
    ];

    /// <summary>What tshark must show for one packet, field by field as <see cref="Fields"/> lists them ("" = absent);
    /// the Geneve VNI as Wireshark prints it (hex).</summary>
    private sealed record Expected(string Kind, string Dir, string Tun, string Vnic, string Version, string BeId, string Vtep,
        string Tick, string Mac, string Act, string Index, uint Vni, bool Bad = false, bool NotFirst = false)
    {
        public string[] Columns => [Kind, Dir, Tun, Vnic, Version, BeId, Vtep, Tick, Mac, Act, Index, $"0x{Vni:x6}", Bad ? "1" : "", NotFirst ? "1" : ""];
    }

    private static byte[] VmFrame() =>
        Ethernet(GwMac, VmMac, 0x0800, Ipv4(Ip("10.0.0.10"), Ip("10.0.0.20"), IpProto.Tcp, Tcp(40000, 80, TcpFlags.Syn, Payload(0))));

    private static ModelConfig Card()
    {
        var c = new ModelConfig(NicParams.W64)
        {
            NicMacHi = (uint)(NicMac >> 32), NicMacLo = (uint)NicMac, NhMacHi = (uint)(NhMac >> 32), NhMacLo = (uint)NhMac, VtepIp = Ip(Be),
        };
        return c;
    }

    private static IEnumerable<(string Name, byte[] Packet, Expected Expected)> Packets()
    {
        ModelConfig card = Card();
        byte[] vm = VmFrame();

        // stimulus builder: REQUEST egress from the BE (DIR 1, TUN 0)
        yield return ("REQUEST egress (stimulus)",
            ContextPackets.Packet(NhMac, NicMac, Ip(Be), Ip(Fe), 100, ContextPackets.Option(ContextPackets.Request, 1, 5, 7, Ip(Be)), vm),
            new("1", "1", "0", "5", "7", Be, "0.0.0.0", "", "00:00:00:00:00:00", "0", "0", 100));

        // model: REQUEST ingress for a flow that arrived in Geneve (DIR 0, TUN 1), VTEP = the original sender
        var request = new ContextOption(ContextKind.Request, ContextOption.MakeFlags(0, TunnelType.Geneve), 3, 250, Ip(Be), Ip(Remote), 0, 0);
        yield return ("REQUEST ingress (model)",
            ContextFrames.Build(vm, 14, card, Ip(Fe), 0xC123, 200, request, VmMac, RemoteMac, 0),
            new("1", "0", "1", "3", "250", Be, Remote, "", "00:00:00:00:00:00", "0", "0", 200));

        // model: VERDICT egress from the FE with the action: ENCAP_GENEVE to a remote VTEP and MAC
        var verdict = new ContextOption(ContextKind.Verdict, ContextOption.MakeFlags(1, TunnelType.Vxlan), 9, 1, Ip(Be), Ip(Remote), RemoteMac,
            (byte)ActionType.EncapGeneve);
        yield return ("VERDICT egress (model)",
            HeaderBuilder.Geneve(vm, 14, NhMac, NicMac, Ip(Fe), Ip(Be), 0xC777, 0xABCDEF, verdict.ToBytes(), RemoteMac, VmMac, 0),
            new("2", "1", "0", "9", "1", Be, Remote, "", "02:64:00:00:00:14", "3", "0", 0xABCDEF));

        // stimulus: VERDICT ingress (DIR 0, TUN 1), ACT 0
        yield return ("VERDICT ingress (stimulus)",
            ContextPackets.Packet(NhMac, NicMac, Ip(Fe), Ip(Be), 100, ContextPackets.Option(ContextPackets.Verdict, 2, 0, 255, Ip(Be), Ip(Remote)), vm),
            new("2", "0", "1", "0", "255", Be, Remote, "", "00:00:00:00:00:00", "0", "0", 100));

        // model: a probe round's PROBE (tick in the VTEP field, VNI 0, no inner payload)
        yield return ("PROBE (model)", ContextFrames.Probe(card, Ip(Fe), 1234),
            new("3", "0", "0", "0", "0", Be, "", "1234", "00:00:00:00:00:00", "0", "0", 0));

        // stimulus: the FE's PROBE_REPLY, echoing the tick
        yield return ("PROBE_REPLY (stimulus)",
            ContextPackets.Packet(NhMac, NicMac, Ip(Fe), Ip(Be), 0, ContextPackets.Option(ContextPackets.ProbeReply, 0, 0, 0, Ip(Be), 65535),
                Ethernet(0, 0, 0x0800, [])),
            new("4", "0", "0", "0", "0", Be, "", "65535", "00:00:00:00:00:00", "0", "0", 0));

        // malformed: option length byte 4 (the card drops CTX_BAD)
        yield return ("bad length byte",
            ContextPackets.Packet(NhMac, NicMac, Ip(Fe), Ip(Be), 100, ContextPackets.Option(ContextPackets.Request, 1, 5, 7, Ip(Be), lengthByte: 4), vm),
            new("", "", "", "", "", "", "", "", "", "", "0", 100, Bad: true));

        // malformed: an egress VERDICT whose ACT is not 2 or 3
        yield return ("egress VERDICT without action",
            ContextPackets.Packet(NhMac, NicMac, Ip(Fe), Ip(Be), 100, ContextPackets.Option(ContextPackets.Verdict, 1, 5, 7, Ip(Be), Ip(Remote)), vm),
            new("2", "1", "0", "5", "7", Be, Remote, "", "00:00:00:00:00:00", "0", "0", 100, Bad: true));

        // the context as the second option (after an 8-byte option of another class): decoded, flagged
        byte[] other = [0x01, 0x02, 0x03, 0x01, 0xAA, 0xBB, 0xCC, 0xDD];
        yield return ("second option",
            Geneve(NhMac, NicMac, Ip(Fe), Ip(Be), 100, vm, [.. other, .. ContextPackets.Option(ContextPackets.Request, 1, 4, 2, Ip(Be))]),
            new("1", "1", "0", "4", "2", Be, "0.0.0.0", "", "00:00:00:00:00:00", "0", "1", 100, NotFirst: true));

        // ordinary Geneve encapsulation: no Nezha fields, Geneve as ever
        yield return ("plain Geneve (model)",
            HeaderBuilder.Encap(vm, 14, NhMac, NicMac, Ip(Be), Ip(Remote), 0x1234, 100, RemoteMac, VmMac, TunnelType.Geneve, 0),
            new("", "", "", "", "", "", "", "", "", "", "", 100));
    }

    private static readonly List<(string Name, byte[] Packet, Expected Expected)> All = Packets().ToList();
    private string _dir = null!, _pcap = null!;

    /// <summary>All the packets in one pcap, in order.</summary>
    [OneTimeSetUp]
    public void WriteCapture()
    {
        _dir = TestFiles.TempDir();
        _pcap = Path.Combine(_dir, "context.pcap");
        using var w = PcapWriter.Create(_pcap);
        for (int i = 0; i < All.Count; i++) w.Write(All[i].Packet, (ulong)i * 1000);
    }

    [OneTimeTearDown] public void RemoveCapture() => Directory.Delete(_dir, true);

    [Test]
    public void TsharkDecodesEveryFieldOfEveryKind()
    {
        List<string> lines = Tshark.Fields(_pcap, ["-X", $"lua_script:{Script}"], Fields);
        Assert.That(lines, Has.Count.EqualTo(All.Count), string.Join("\n", lines));
        for (int i = 0; i < All.Count; i++)
        {
            string[] got = lines[i].Split('\t');
            if (got.SequenceEqual(All[i].Expected.Columns)) continue;
            string tree = Host.Run("tshark", ["-n", "-r", _pcap, "-X", $"lua_script:{Script}", "-V", "-Y", $"frame.number == {i + 1}"],
                TimeSpan.FromSeconds(60), check: false).Out;
            Assert.Fail($"{All[i].Name}:\n  fields   {string.Join(" | ", Fields)}\n  expected {string.Join(" | ", All[i].Expected.Columns)}" +
                        $"\n  got      {string.Join(" | ", got)}\n{tree}");
        }
    }

    /// <summary>The Info column names the packet and the Geneve dissector still decodes the inner frame.</summary>
    [Test]
    public void TheInfoColumnNamesTheContextAndTheInnerFrameIsStillDecoded()
    {
        List<string> lines = Tshark.Fields(_pcap, ["-X", $"lua_script:{Script}"], "_ws.col.Protocol", "_ws.col.Info", "ip.src", "tcp.dstport");
        Assert.That(lines[0], Does.StartWith("TCP\tNezha REQUEST egress vNIC 5 v7; "));
        Assert.That(lines[0], Does.EndWith("\t192.168.100.1,10.0.0.10\t80"), "outer and inner IP, the inner TCP header");
        Assert.That(lines[2], Does.Contain("Nezha VERDICT egress vNIC 9 v1; "));
        Assert.That(lines[4], Does.StartWith("Nezha\tNezha PROBE tick 1234"));
        Assert.That(lines[5], Does.StartWith("Nezha\tNezha PROBE_REPLY tick 65535"));
        Assert.That(lines[^1], Does.Not.Contain("Nezha"));
    }

    private static string Script => TestFiles.Find(Path.Combine("tools", "wireshark", "nezha.lua"));
}
