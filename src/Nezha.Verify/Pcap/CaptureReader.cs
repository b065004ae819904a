using System.Buffers.Binary;

namespace Nezha.Verify.Pcap;

/// <summary>Reads classic pcap or pcapng, told apart by the first four bytes.</summary>
public static class CaptureReader
{
    /// <summary>Every frame of the file. Only Ethernet captures are accepted.</summary>
    public static List<CaptureFrame> ReadFile(string path) => Read(File.ReadAllBytes(path));

    public static List<CaptureFrame> Read(ReadOnlyMemory<byte> file)
    {
        if (file.Length < 4) throw new CaptureFormatException("file is too short to be a capture");
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(file.Span);
        return magic == PcapNgReader.SectionHeaderType
            ? PcapNgReader.Read(file)
            : PcapReader.Read(file);
    }
}

/// <summary>Classic libpcap files: microsecond or nanosecond timestamps, either byte order.</summary>
public static class PcapReader
{
    public const uint MagicMicro = 0xA1B2C3D4;
    public const uint MagicNano = 0xA1B23C4D;
    private const int FileHeaderLength = 24, RecordHeaderLength = 16;

    public static List<CaptureFrame> Read(ReadOnlyMemory<byte> file)
    {
        ReadOnlySpan<byte> s = file.Span;
        if (s.Length < 4) throw new CaptureFormatException("file is too short to be a capture");
        uint magicLe = BinaryPrimitives.ReadUInt32LittleEndian(s);
        uint magicBe = BinaryPrimitives.ReadUInt32BigEndian(s);
        bool bigEndian;
        bool nano;
        if (magicLe is MagicMicro or MagicNano) { bigEndian = false; nano = magicLe == MagicNano; }
        else if (magicBe is MagicMicro or MagicNano) { bigEndian = true; nano = magicBe == MagicNano; }
        else throw new CaptureFormatException($"not a pcap or pcapng file (magic 0x{magicLe:X8})");
        if (s.Length < FileHeaderLength) throw new CaptureFormatException("pcap file header is truncated");

        var r = new EndianReader(bigEndian);
        uint linkType = r.U32(s[20..]) & 0x0FFF_FFFF;
        if (linkType != LinkType.Ethernet)
            throw new CaptureFormatException($"link type {linkType} is not Ethernet (1)");

        var frames = new List<CaptureFrame>();
        int pos = FileHeaderLength;
        while (pos < s.Length)
        {
            if (s.Length - pos < RecordHeaderLength)
                throw new CaptureFormatException($"record header at offset {pos} is truncated");
            ReadOnlySpan<byte> h = s.Slice(pos, RecordHeaderLength);
            ulong sec = r.U32(h), frac = r.U32(h[4..]);
            uint capLen = r.U32(h[8..]), origLen = r.U32(h[12..]);
            pos += RecordHeaderLength;
            if (capLen > s.Length - pos)
                throw new CaptureFormatException($"frame {frames.Count + 1} at offset {pos} is truncated ({capLen} bytes announced)");
            ulong ns = sec * 1_000_000_000UL + (nano ? frac : frac * 1000UL);
            frames.Add(new CaptureFrame(file.Slice(pos, (int)capLen), (int)Math.Max(origLen, capLen), ns));
            pos += (int)capLen;
        }
        return frames;
    }
}

/// <summary>
/// pcapng: section header, interface description, enhanced and simple packet blocks (and the obsolete packet
/// block); other blocks are skipped. Every interface must be Ethernet.
/// </summary>
public static class PcapNgReader
{
    public const uint SectionHeaderType = 0x0A0D0D0A;
    private const uint ByteOrderMagic = 0x1A2B3C4D;
    private const uint InterfaceDescription = 1, ObsoletePacket = 2, SimplePacket = 3, EnhancedPacket = 6;
    private const ushort OptEndOfOpt = 0, OptIfTsResol = 9;

    private sealed record Interface(uint LinkType, uint SnapLen, ulong UnitsPerSecond);

    public static List<CaptureFrame> Read(ReadOnlyMemory<byte> file)
    {
        ReadOnlySpan<byte> s = file.Span;
        var frames = new List<CaptureFrame>();
        var interfaces = new List<Interface>();
        var r = new EndianReader(false);
        int pos = 0;
        while (pos < s.Length)
        {
            if (s.Length - pos < 12) throw new CaptureFormatException($"block at offset {pos} is truncated");
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(s[pos..]);
            if (type == SectionHeaderType)
            {
                uint bom = BinaryPrimitives.ReadUInt32LittleEndian(s[(pos + 8)..]);
                if (bom == ByteOrderMagic) r = new EndianReader(false);
                else if (BinaryPrimitives.ReverseEndianness(bom) == ByteOrderMagic) r = new EndianReader(true);
                else throw new CaptureFormatException($"section at offset {pos} has a bad byte-order magic");
                interfaces.Clear();
            }
            else type = r.U32(s[pos..]);
            uint totalLen = r.U32(s[(pos + 4)..]);
            if (totalLen < 12 || totalLen % 4 != 0 || totalLen > s.Length - pos)
                throw new CaptureFormatException($"block at offset {pos} has a bad length {totalLen}");
            ReadOnlySpan<byte> body = s.Slice(pos + 8, (int)totalLen - 12);
            int bodyOffset = pos + 8;

            switch (type)
            {
                case InterfaceDescription:
                    interfaces.Add(ReadInterface(body, r, pos));
                    break;
                case EnhancedPacket:
                {
                    if (body.Length < 20) throw new CaptureFormatException($"packet block at offset {pos} is truncated");
                    Interface ifc = Lookup(interfaces, r.U32(body), pos);
                    ulong ts = ((ulong)r.U32(body[4..]) << 32) | r.U32(body[8..]);
                    uint capLen = r.U32(body[12..]), origLen = r.U32(body[16..]);
                    if (capLen > body.Length - 20) throw new CaptureFormatException($"packet block at offset {pos} is truncated");
                    frames.Add(new CaptureFrame(file.Slice(bodyOffset + 20, (int)capLen), (int)Math.Max(origLen, capLen), ToNs(ts, ifc)));
                    break;
                }
                case ObsoletePacket:
                {
                    if (body.Length < 20) throw new CaptureFormatException($"packet block at offset {pos} is truncated");
                    Interface ifc = Lookup(interfaces, r.U16(body), pos);
                    ulong ts = ((ulong)r.U32(body[4..]) << 32) | r.U32(body[8..]);
                    uint capLen = r.U32(body[12..]), origLen = r.U32(body[16..]);
                    if (capLen > body.Length - 20) throw new CaptureFormatException($"packet block at offset {pos} is truncated");
                    frames.Add(new CaptureFrame(file.Slice(bodyOffset + 20, (int)capLen), (int)Math.Max(origLen, capLen), ToNs(ts, ifc)));
                    break;
                }
                case SimplePacket:
                {
                    if (body.Length < 4) throw new CaptureFormatException($"packet block at offset {pos} is truncated");
                    Interface ifc = Lookup(interfaces, 0, pos);
                    uint origLen = r.U32(body);
                    int capLen = (int)Math.Min(origLen, (uint)(body.Length - 4));
                    if (ifc.SnapLen != 0) capLen = (int)Math.Min((uint)capLen, ifc.SnapLen);
                    frames.Add(new CaptureFrame(file.Slice(bodyOffset + 4, capLen), (int)origLen, 0));
                    break;
                }
            }
            pos += (int)totalLen;
        }
        return frames;
    }

    private static Interface ReadInterface(ReadOnlySpan<byte> body, EndianReader r, int pos)
    {
        if (body.Length < 8) throw new CaptureFormatException($"interface block at offset {pos} is truncated");
        uint linkType = r.U16(body);
        if (linkType != LinkType.Ethernet)
            throw new CaptureFormatException($"interface {pos}: link type {linkType} is not Ethernet (1)");
        uint snapLen = r.U32(body[4..]);
        ulong units = 1_000_000;
        ReadOnlySpan<byte> opts = body[8..];
        while (opts.Length >= 4)
        {
            ushort code = r.U16(opts), len = r.U16(opts[2..]);
            if (code == OptEndOfOpt || 4 + len > opts.Length) break;
            if (code == OptIfTsResol && len >= 1)
            {
                byte v = opts[4];
                int exp = v & 0x7F;
                units = (v & 0x80) != 0 ? (exp < 64 ? 1UL << exp : 0) : Pow10(exp);
                if (units == 0) throw new CaptureFormatException($"interface block at offset {pos}: unsupported timestamp resolution 0x{v:X2}");
            }
            opts = opts[(4 + ((len + 3) & ~3))..];
        }
        return new Interface(linkType, snapLen, units);
    }

    private static ulong Pow10(int exp)
    {
        if (exp > 19) return 0;
        ulong v = 1;
        for (int i = 0; i < exp; i++) v *= 10;
        return v;
    }

    private static Interface Lookup(List<Interface> interfaces, uint id, int pos) =>
        id < interfaces.Count ? interfaces[(int)id]
            : throw new CaptureFormatException($"packet block at offset {pos} names interface {id}, which is not described");

    private static ulong ToNs(ulong ts, Interface ifc) =>
        ifc.UnitsPerSecond == 1_000_000_000 ? ts
        : (ulong)((UInt128)ts * 1_000_000_000UL / ifc.UnitsPerSecond);
}

/// <summary>Integer reads in a file's byte order.</summary>
internal readonly struct EndianReader(bool bigEndian)
{
    public uint U32(ReadOnlySpan<byte> s) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);

    public ushort U16(ReadOnlySpan<byte> s) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);
}
