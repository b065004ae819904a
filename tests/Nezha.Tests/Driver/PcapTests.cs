using System.Buffers.Binary;
using Nezha.Verify.Pcap;
using NUnit.Framework;

namespace Nezha.Tests.Driver;

[TestFixture]
public class PcapTests
{
    private static byte[] Frame(int len, byte seed) => Enumerable.Range(0, len).Select(i => (byte)(seed + i)).ToArray();

    private static byte[] WritePcap(params (byte[] Frame, ulong Ns)[] frames)
    {
        var ms = new MemoryStream();
        using (var w = new PcapWriter(ms, ownsStream: false))
            foreach (var (f, ns) in frames) w.Write(f, ns);
        return ms.ToArray();
    }

    [Test]
    public void WriterOutputReadsBackExactly()
    {
        var frames = new[] { (Frame(60, 1), 0UL), (Frame(1514, 7), 4UL), (Frame(9000, 3), 12_345_678_901UL) };
        byte[] file = WritePcap(frames);
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file), Is.EqualTo(0xA1B23C4Du), "nanosecond magic");
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(20)), Is.EqualTo(1u), "Ethernet");
        List<CaptureFrame> read = CaptureReader.Read(file);
        Assert.That(read, Has.Count.EqualTo(3));
        for (int i = 0; i < 3; i++)
        {
            Assert.That(read[i].Data.ToArray(), Is.EqualTo(frames[i].Item1));
            Assert.That(read[i].OriginalLength, Is.EqualTo(frames[i].Item1.Length));
            Assert.That(read[i].TimestampNs, Is.EqualTo(frames[i].Item2));
        }
    }

    [Test]
    public void EmptyCaptureHasNoFrames() => Assert.That(CaptureReader.Read(WritePcap()), Is.Empty);

    [Test]
    public void WriterCutsAtTheSnapLengthAndKeepsTheWireLength()
    {
        var ms = new MemoryStream();
        using (var w = new PcapWriter(ms, snapLen: 100, ownsStream: false)) w.Write(Frame(200, 0), 1);
        var f = CaptureReader.Read(ms.ToArray()).Single();
        Assert.That(f.Data.Length, Is.EqualTo(100));
        Assert.That(f.OriginalLength, Is.EqualTo(200));
    }

    [Test]
    public void WritesAndReadsAFile()
    {
        string dir = TestFiles.TempDir();
        string path = Path.Combine(dir, "x.pcap");
        using (var w = PcapWriter.Create(path)) w.Write(Frame(64, 9), 1000);
        Assert.That(CaptureReader.ReadFile(path).Single().Data.ToArray(), Is.EqualTo(Frame(64, 9)));
        Directory.Delete(dir, true);
    }

    /// <summary>A classic pcap with microsecond timestamps in big-endian order, as some tools write.</summary>
    [Test]
    public void ReadsBigEndianMicrosecondPcap()
    {
        var b = new List<byte>();
        void U32(uint v) { var x = new byte[4]; BinaryPrimitives.WriteUInt32BigEndian(x, v); b.AddRange(x); }
        void U16(ushort v) { var x = new byte[2]; BinaryPrimitives.WriteUInt16BigEndian(x, v); b.AddRange(x); }
        U32(0xA1B2C3D4); U16(2); U16(4); U32(0); U32(0); U32(65535); U32(1);
        U32(3); U32(250); U32(60); U32(60); b.AddRange(Frame(60, 5));
        var f = CaptureReader.Read(b.ToArray()).Single();
        Assert.That(f.TimestampNs, Is.EqualTo(3_000_250_000UL));
        Assert.That(f.Data.ToArray(), Is.EqualTo(Frame(60, 5)));
    }

    [Test]
    public void RejectsNonEthernetLinkType()
    {
        byte[] file = WritePcap((Frame(60, 0), 0));
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(20), 101);
        var e = Assert.Throws<CaptureFormatException>(() => CaptureReader.Read(file));
        Assert.That(e!.Message, Is.EqualTo("link type 101 (RAW, IP without a link header) is not Ethernet (1)"));
    }

    [Test]
    public void RejectsTruncatedFrames()
    {
        byte[] file = WritePcap((Frame(60, 0), 0));
        var e = Assert.Throws<CaptureFormatException>(() => CaptureReader.Read(file.AsMemory(0, file.Length - 1)));
        Assert.That(e!.Message, Is.EqualTo("frame 1 at offset 40 is truncated (60 bytes announced)"));
        e = Assert.Throws<CaptureFormatException>(() => CaptureReader.Read(file.AsMemory(0, 30)));
        Assert.That(e!.Message, Is.EqualTo("record header at offset 24 is truncated"));
    }

    [Test]
    public void RejectsOtherFiles()
    {
        var e = Assert.Throws<CaptureFormatException>(() => CaptureReader.Read("not a capture at all, no"u8.ToArray()));
        Assert.That(e!.Message, Does.StartWith("not a pcap or pcapng file"));
        Assert.Throws<CaptureFormatException>(() => CaptureReader.Read(new byte[2]));
    }

    /// <summary>Builds pcapng blocks in either byte order.</summary>
    private sealed class NgBuilder(bool bigEndian)
    {
        private readonly List<byte> _b = [];

        private static byte[] U32(uint v, bool be) { var x = new byte[4]; if (be) BinaryPrimitives.WriteUInt32BigEndian(x, v); else BinaryPrimitives.WriteUInt32LittleEndian(x, v); return x; }
        private static byte[] U16(ushort v, bool be) { var x = new byte[2]; if (be) BinaryPrimitives.WriteUInt16BigEndian(x, v); else BinaryPrimitives.WriteUInt16LittleEndian(x, v); return x; }

        public NgBuilder Block(uint type, params byte[][] parts)
        {
            var body = parts.SelectMany(p => p).ToList();
            while (body.Count % 4 != 0) body.Add(0);
            uint total = (uint)(12 + body.Count);
            _b.AddRange(U32(type, bigEndian)); _b.AddRange(U32(total, bigEndian)); _b.AddRange(body); _b.AddRange(U32(total, bigEndian));
            return this;
        }

        public NgBuilder Section() => Block(0x0A0D0D0A, U32(0x1A2B3C4D, bigEndian), U16(1, bigEndian), U16(0, bigEndian), U32(0xFFFFFFFF, bigEndian), U32(0xFFFFFFFF, bigEndian));

        public NgBuilder Interface(ushort linkType, byte? tsresol = null)
        {
            var opts = new List<byte>();
            if (tsresol is { } r) { opts.AddRange(U16(9, bigEndian)); opts.AddRange(U16(1, bigEndian)); opts.AddRange(new byte[] { r, 0, 0, 0 }); }
            opts.AddRange(U16(0, bigEndian)); opts.AddRange(U16(0, bigEndian));
            return Block(1, U16(linkType, bigEndian), U16(0, bigEndian), U32(0, bigEndian), opts.ToArray());
        }

        public NgBuilder Enhanced(uint ifc, ulong ts, byte[] data, uint? origLen = null) =>
            Block(6, U32(ifc, bigEndian), U32((uint)(ts >> 32), bigEndian), U32((uint)ts, bigEndian),
                U32((uint)data.Length, bigEndian), U32(origLen ?? (uint)data.Length, bigEndian), data);

        public NgBuilder Simple(byte[] data) => Block(3, U32((uint)data.Length, bigEndian), data);

        public NgBuilder Other() => Block(5, U32(0, bigEndian), U32(0, bigEndian), U32(0, bigEndian)); // interface statistics

        public byte[] Bytes => _b.ToArray();
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ReadsPcapNg(bool bigEndian)
    {
        byte[] file = new NgBuilder(bigEndian).Section()
            .Interface(1)                      // default resolution: microseconds
            .Interface(1, tsresol: 9)          // nanoseconds
            .Enhanced(0, 1_500_000, Frame(61, 1))
            .Other()
            .Enhanced(1, 1_500_000_123, Frame(62, 2), origLen: 100)
            .Simple(Frame(63, 3))
            .Bytes;
        List<CaptureFrame> frames = CaptureReader.Read(file);
        Assert.That(frames.Select(f => f.Data.Length), Is.EqualTo(new[] { 61, 62, 63 }));
        Assert.That(frames[0].TimestampNs, Is.EqualTo(1_500_000_000UL));
        Assert.That(frames[1].TimestampNs, Is.EqualTo(1_500_000_123UL));
        Assert.That(frames[1].OriginalLength, Is.EqualTo(100));
        Assert.That(frames[2].Data.ToArray(), Is.EqualTo(Frame(63, 3)));
    }

    [Test]
    public void PcapNgPowerOfTwoResolution()
    {
        byte[] file = new NgBuilder(false).Section().Interface(1, tsresol: 0x80 | 10).Enhanced(0, 2048, Frame(60, 0)).Bytes;
        Assert.That(CaptureReader.Read(file).Single().TimestampNs, Is.EqualTo(2_000_000_000UL));
    }

    [Test]
    public void PcapNgSectionsResetInterfaces()
    {
        byte[] file = new NgBuilder(false).Section().Interface(1).Enhanced(0, 0, Frame(60, 0))
            .Section().Enhanced(0, 0, Frame(60, 0)).Bytes;
        var e = Assert.Throws<CaptureFormatException>(() => CaptureReader.Read(file));
        Assert.That(e!.Message, Is.EqualTo("packet block at offset 172 names interface 0 of its section, which is not described"));
    }

    /// <summary>The interface is named by its index as Wireshark numbers them: from 0, counted over all sections.</summary>
    [Test]
    public void PcapNgRejectsNonEthernetInterfacesByIndexAndLinkType()
    {
        byte[] file = new NgBuilder(false).Section().Interface(1).Interface(113).Bytes;
        Assert.That(Assert.Throws<CaptureFormatException>(() => CaptureReader.Read(file))!.Message,
            Is.EqualTo("interface 1: link type 113 (LINUX_SLL, Linux cooked capture) is not Ethernet (1)"));
        file = new NgBuilder(false).Section().Interface(1).Interface(1).Section().Interface(101).Bytes;
        Assert.That(Assert.Throws<CaptureFormatException>(() => CaptureReader.Read(file))!.Message,
            Is.EqualTo("interface 2: link type 101 (RAW, IP without a link header) is not Ethernet (1)"));
        file = new NgBuilder(false).Section().Interface(4242).Bytes;
        Assert.That(Assert.Throws<CaptureFormatException>(() => CaptureReader.Read(file))!.Message,
            Is.EqualTo("interface 0: link type 4242 is not Ethernet (1)"));
    }

    [Test]
    public void PcapNgInterfacesAreNumberedOverTheWholeFile()
    {
        byte[] file = new NgBuilder(false).Section().Interface(1).Interface(1).Enhanced(1, 0, Frame(60, 0))
            .Section().Interface(1).Enhanced(0, 0, Frame(60, 1)).Bytes;
        CaptureFile cap = CaptureReader.ReadAll(file);
        Assert.That(cap.Interfaces.Select(i => i.Id), Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(cap.Frames.Select(f => f.Interface), Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void PcapNgRejectsBadBlockLength()
    {
        byte[] file = new NgBuilder(false).Section().Interface(1).Enhanced(0, 0, Frame(60, 0)).Bytes;
        Assert.That(Assert.Throws<CaptureFormatException>(() => CaptureReader.Read(file.AsMemory(0, file.Length - 4)))!.Message,
            Does.Contain("has a bad length"));
    }

    // ------------------------------------------------------------------ pcapng writer

    private static byte[] WriteNg(Action<PcapNgWriter> write, string? application = "nezha test")
    {
        var ms = new MemoryStream();
        using (var w = new PcapNgWriter(ms, application, ownsStream: false)) write(w);
        return ms.ToArray();
    }

    [Test]
    public void PcapNgWriterOutputReadsBackWithInterfacesCommentsAndDirections()
    {
        byte[] file = WriteNg(w =>
        {
            Assert.That(w.AddInterface("net", "underlay"), Is.EqualTo(0));
            Assert.That(w.AddInterface("vnic0"), Is.EqualTo(1));
            w.Write(0, Frame(61, 1), 1_234_567_890_123UL, PacketDirection.Outbound);
            w.Write(1, Frame(62, 2), 5, PacketDirection.Inbound, "dropped: SPOOF (input frame 2)");
            w.Write(1, Frame(63, 3), 6);
            Assert.That(w.AddInterface("host", "exceptions, µ and ✓"), Is.EqualTo(2), "an interface added after frames");
            w.Write(2, Frame(1, 4), 7, comment: "exception to host: FRAGMENT (vNIC 0) — ü");
            Assert.That(w.Count, Is.EqualTo(4));
        });
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file), Is.EqualTo(0x0A0D0D0Au));
        Assert.That(file.Length % 4, Is.Zero);
        CaptureFile cap = CaptureReader.ReadAll(file);
        Assert.That(cap.Interfaces.Select(i => (i.Id, i.LinkType, i.Name, i.Description)), Is.EqualTo(new[]
        {
            (0, 1u, "net", "underlay"), (1, 1u, "vnic0", (string?)null), (2, 1u, "host", "exceptions, µ and ✓"),
        }));
        Assert.That(cap.Frames.Select(f => (f.Interface, f.Data.Length, f.OriginalLength, f.TimestampNs, f.Direction, f.Comment)), Is.EqualTo(new[]
        {
            (0, 61, 61, 1_234_567_890_123UL, PacketDirection.Outbound, (string?)null),
            (1, 62, 62, 5UL, PacketDirection.Inbound, "dropped: SPOOF (input frame 2)"),
            (1, 63, 63, 6UL, PacketDirection.Unknown, null),
            (2, 1, 1, 7UL, PacketDirection.Unknown, "exception to host: FRAGMENT (vNIC 0) — ü"),
        }));
        Assert.That(cap.Frames[2].Data.ToArray(), Is.EqualTo(Frame(63, 3)));
    }

    [Test]
    public void PcapNgWriterCutsAnOverlongCommentAtACharacterBoundary()
    {
        string comment = new string('a', 65531) + "€€"; // 65531 + 6 bytes: cut after the a's
        byte[] file = WriteNg(w =>
        {
            w.AddInterface(new string('n', 70_000));
            w.Write(0, Frame(60, 0), 0, comment: comment);
        }, application: null);
        CaptureFile cap = CaptureReader.ReadAll(file);
        Assert.That(cap.Frames.Single().Comment, Is.EqualTo(new string('a', 65531)));
        Assert.That(cap.Interfaces.Single().Name, Has.Length.EqualTo(65532));
    }

    [Test]
    public void PcapNgWriterRefusesAnInterfaceNotAdded()
    {
        var w = new PcapNgWriter(new MemoryStream());
        w.AddInterface("net");
        Assert.Throws<ArgumentOutOfRangeException>(() => w.Write(1, Frame(60, 0), 0));
    }

    /// <summary>tshark (an independent reader) sees the interface names and descriptions, comments and directions.</summary>
    [Test]
    public void TsharkReadsThePcapNgWriterOutput()
    {
        string dir = TestFiles.TempDir();
        try
        {
            string path = Path.Combine(dir, "w.pcapng");
            File.WriteAllBytes(path, WriteNg(w =>
            {
                w.AddInterface("net", "underlay port");
                w.AddInterface("vnic3", "vNIC 3");
                w.Write(1, Frame(60, 1), 1_000_000_004, PacketDirection.Inbound, "dropped: ACL_DENY (input frame 1)");
                w.Write(0, Frame(75, 2), 2_000_000_008, PacketDirection.Outbound);
            }));
            var lines = Interop.Tshark.Fields(path, [], "frame.interface_id", "frame.interface_name", "frame.interface_description",
                "frame.packet_flags_direction", "frame.comment", "frame.len", "frame.time_epoch");
            Assert.That(lines, Is.EqualTo(new[]
            {
                "1\tvnic3\tvNIC 3\t0x00000001\tdropped: ACL_DENY (input frame 1)\t60\t1.000000004",
                "0\tnet\tunderlay port\t0x00000002\t\t75\t2.000000008",
            }));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void PcapNgRoundTripsThroughThePcapWriter()
    {
        byte[] ng = new NgBuilder(false).Section().Interface(1, 9).Enhanced(0, 77, Frame(60, 4)).Enhanced(0, 99, Frame(70, 5)).Bytes;
        var ms = new MemoryStream();
        using (var w = new PcapWriter(ms, ownsStream: false))
            foreach (var f in CaptureReader.Read(ng)) w.Write(f.Data.Span, f.TimestampNs);
        var back = CaptureReader.Read(ms.ToArray());
        Assert.That(back.Select(f => (f.TimestampNs, f.Data.Length)), Is.EqualTo(new[] { (77UL, 60), (99UL, 70) }));
    }
}
