using System.Buffers.Binary;

namespace Nezha.Verify.Pcap;

/// <summary>Reads classic pcap or pcapng, told apart by the first four bytes.</summary>
public static class CaptureReader
{
    /// <summary>Every frame of the file. Only Ethernet captures are accepted.</summary>
    public static List<CaptureFrame> ReadFile(string path) => Read(File.ReadAllBytes(path));

    public static List<CaptureFrame> Read(ReadOnlyMemory<byte> file) => ReadAll(file).Frames;

    /// <summary>The interfaces and frames of the file (a classic pcap has one interface without a name).</summary>
    public static CaptureFile ReadAll(ReadOnlyMemory<byte> file)
    {
        if (file.Length < 4) throw new CaptureFormatException("file is too short to be a capture");
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(file.Span);
        return magic == PcapNgReader.SectionHeaderType
            ? PcapNgReader.Read(file)
            : new CaptureFile([new CaptureInterface(0, LinkType.Ethernet, null, null)], PcapReader.Read(file));
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
            throw new CaptureFormatException($"link type {LinkType.Describe(linkType)} is not Ethernet (1)");

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
/// block); other blocks are skipped. Every interface must be Ethernet. Interfaces are numbered over the whole
/// file (the first interface of a later section follows the last one of the section before), as Wireshark
/// numbers them; an interface's name and description and a packet's comments and direction are kept.
/// </summary>
public static class PcapNgReader
{
    public const uint SectionHeaderType = 0x0A0D0D0A;
    public const uint ByteOrderMagic = 0x1A2B3C4D;
    public const uint InterfaceDescription = 1, ObsoletePacket = 2, SimplePacket = 3, EnhancedPacket = 6;
    public const ushort OptEndOfOpt = 0, OptComment = 1, OptIfName = 2, OptIfDescription = 3, OptIfTsResol = 9, OptEpbFlags = 2;

    private sealed record Interface(CaptureInterface Info, uint SnapLen, ulong UnitsPerSecond);

    public static CaptureFile Read(ReadOnlyMemory<byte> file)
    {
        ReadOnlySpan<byte> s = file.Span;
        var frames = new List<CaptureFrame>();
        var all = new List<CaptureInterface>();
        var section = new List<Interface>();
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
                section.Clear();
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
                {
                    Interface ifc = ReadInterface(body, r, pos, all.Count);
                    section.Add(ifc);
                    all.Add(ifc.Info);
                    break;
                }
                case EnhancedPacket:
                case ObsoletePacket:
                {
                    if (body.Length < 20) throw new CaptureFormatException($"packet block at offset {pos} is truncated");
                    Interface ifc = Lookup(section, type == EnhancedPacket ? r.U32(body) : r.U16(body), pos);
                    ulong ts = ((ulong)r.U32(body[4..]) << 32) | r.U32(body[8..]);
                    uint capLen = r.U32(body[12..]), origLen = r.U32(body[16..]);
                    if (capLen > body.Length - 20) throw new CaptureFormatException($"packet block at offset {pos} is truncated");
                    string? comment = null;
                    var direction = PacketDirection.Unknown;
                    int optAt = 20 + (int)((capLen + 3) & ~3u);
                    if (type == EnhancedPacket && optAt < body.Length)
                        ReadPacketOptions(body[optAt..], r, out comment, out direction);
                    frames.Add(new CaptureFrame(file.Slice(bodyOffset + 20, (int)capLen), (int)Math.Max(origLen, capLen), ToNs(ts, ifc),
                        ifc.Info.Id, comment, direction));
                    break;
                }
                case SimplePacket:
                {
                    if (body.Length < 4) throw new CaptureFormatException($"packet block at offset {pos} is truncated");
                    Interface ifc = Lookup(section, 0, pos);
                    uint origLen = r.U32(body);
                    int capLen = (int)Math.Min(origLen, (uint)(body.Length - 4));
                    if (ifc.SnapLen != 0) capLen = (int)Math.Min((uint)capLen, ifc.SnapLen);
                    frames.Add(new CaptureFrame(file.Slice(bodyOffset + 4, capLen), (int)origLen, 0, ifc.Info.Id));
                    break;
                }
            }
            pos += (int)totalLen;
        }
        return new CaptureFile(all, frames);
    }

    private static Interface ReadInterface(ReadOnlySpan<byte> body, EndianReader r, int pos, int id)
    {
        if (body.Length < 8) throw new CaptureFormatException($"interface block at offset {pos} is truncated");
        uint linkType = r.U16(body);
        if (linkType != LinkType.Ethernet)
            throw new CaptureFormatException($"interface {id}: link type {LinkType.Describe(linkType)} is not Ethernet (1)");
        uint snapLen = r.U32(body[4..]);
        ulong units = 1_000_000;
        string? name = null, description = null;
        for (var o = new OptionReader(body[8..], r); o.Next();)
        {
            if (o.Code == OptIfName) name = Utf8(o.Value);
            else if (o.Code == OptIfDescription) description = Utf8(o.Value);
            else if (o.Code == OptIfTsResol && o.Value.Length >= 1)
            {
                byte v = o.Value[0];
                int exp = v & 0x7F;
                units = (v & 0x80) != 0 ? (exp < 64 ? 1UL << exp : 0) : Pow10(exp);
                if (units == 0) throw new CaptureFormatException($"interface {id}: unsupported timestamp resolution 0x{v:X2}");
            }
        }
        return new Interface(new CaptureInterface(id, linkType, name, description), snapLen, units);
    }

    private static void ReadPacketOptions(ReadOnlySpan<byte> opts, EndianReader r, out string? comment, out PacketDirection direction)
    {
        comment = null;
        direction = PacketDirection.Unknown;
        for (var o = new OptionReader(opts, r); o.Next();)
        {
            if (o.Code == OptComment) comment = comment is null ? Utf8(o.Value) : comment + "\n" + Utf8(o.Value);
            else if (o.Code == OptEpbFlags && o.Value.Length >= 4) direction = (PacketDirection)(r.U32(o.Value) & 3);
        }
    }

    /// <summary>Walks the options of a block (code and value) up to opt_endofopt or the end of the area.</summary>
    private ref struct OptionReader(ReadOnlySpan<byte> area, EndianReader r)
    {
        private ReadOnlySpan<byte> _rest = area;

        public ushort Code { get; private set; }
        public ReadOnlySpan<byte> Value { get; private set; }

        public bool Next()
        {
            if (_rest.Length < 4) return false;
            ushort code = r.U16(_rest), len = r.U16(_rest[2..]);
            if (code == OptEndOfOpt || 4 + len > _rest.Length) return false;
            Code = code;
            Value = _rest.Slice(4, len);
            _rest = _rest[Math.Min(_rest.Length, 4 + ((len + 3) & ~3))..];
            return true;
        }
    }

    private static string Utf8(ReadOnlySpan<byte> b) => System.Text.Encoding.UTF8.GetString(b).TrimEnd('\0');

    private static ulong Pow10(int exp)
    {
        if (exp > 19) return 0;
        ulong v = 1;
        for (int i = 0; i < exp; i++) v *= 10;
        return v;
    }

    private static Interface Lookup(List<Interface> section, uint id, int pos) =>
        id < section.Count ? section[(int)id]
            : throw new CaptureFormatException($"packet block at offset {pos} names interface {id} of its section, which is not described");

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
