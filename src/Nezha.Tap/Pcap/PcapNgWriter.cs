using System.Buffers.Binary;
using System.Text;

namespace Nezha.Verify.Pcap;

/// <summary>
/// Writes a pcapng file (draft-ietf-opsawg-pcapng), little-endian: one section header block naming the writing
/// application, an interface description block per <see cref="AddInterface"/> (if_name, if_description,
/// if_tsresol = nanoseconds), and an enhanced packet block per frame with, when given, a comment (opt_comment)
/// and a direction (epb_flags). Interfaces may be added at any point; a frame names one added before it.
/// Each block is assembled in one reused buffer and written with one call.
/// </summary>
public sealed class PcapNgWriter : IDisposable
{
    private const uint EnhancedPacket = PcapNgReader.EnhancedPacket, InterfaceDescription = PcapNgReader.InterfaceDescription;
    private const ushort OptShbUserAppl = 4;
    private const byte NanosecondResolution = 9;
    private const int MaxOptionLength = ushort.MaxValue - 3;

    private readonly Stream _out;
    private readonly bool _ownsStream;
    private byte[] _block = new byte[2048];
    private readonly List<string> _interfaces = [];

    public PcapNgWriter(Stream output, string? application = null, bool ownsStream = true)
    {
        _out = output;
        _ownsStream = ownsStream;
        application = Fit(application);
        int appLen = application is null ? 0 : Encoding.UTF8.GetByteCount(application);
        int options = application is null ? 0 : OptionSize(appLen) + 4;
        Span<byte> b = Begin(PcapNgReader.SectionHeaderType, 16 + options, out int at);
        BinaryPrimitives.WriteUInt32LittleEndian(b[at..], PcapNgReader.ByteOrderMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(b[(at + 4)..], 1);           // major version
        BinaryPrimitives.WriteUInt16LittleEndian(b[(at + 6)..], 0);           // minor version
        BinaryPrimitives.WriteInt64LittleEndian(b[(at + 8)..], -1);           // section length: not given
        at += 16;
        if (application is not null)
        {
            at += StringOption(b[at..], OptShbUserAppl, application);
            at += EndOfOptions(b[at..]);
        }
        End(b, at);
    }

    /// <summary>Creates <paramref name="path"/>, which must not exist.</summary>
    public static PcapNgWriter CreateNew(string path, string? application = null) =>
        new(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16), application);

    /// <summary>Frames written so far.</summary>
    public long Count { get; private set; }

    /// <summary>Bytes written so far.</summary>
    public long Length { get; private set; }

    /// <summary>The names of the interfaces added so far, by id.</summary>
    public IReadOnlyList<string> Interfaces => _interfaces;

    /// <summary>Describes an interface; returns its id (0, 1, ... in the order added) for <see cref="Write"/>.</summary>
    public int AddInterface(string name, string? description = null, uint linkType = LinkType.Ethernet, uint snapLen = 0)
    {
        ArgumentNullException.ThrowIfNull(name);
        string fitName = Fit(name)!;
        description = Fit(description);
        int nameLen = Encoding.UTF8.GetByteCount(fitName);
        int descLen = description is null ? 0 : Encoding.UTF8.GetByteCount(description);
        int options = OptionSize(nameLen) + (description is null ? 0 : OptionSize(descLen)) + OptionSize(1) + 4;
        Span<byte> b = Begin(InterfaceDescription, 8 + options, out int at);
        BinaryPrimitives.WriteUInt16LittleEndian(b[at..], (ushort)linkType);
        BinaryPrimitives.WriteUInt16LittleEndian(b[(at + 2)..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(b[(at + 4)..], snapLen);
        at += 8;
        at += StringOption(b[at..], PcapNgReader.OptIfName, fitName);
        if (description is not null) at += StringOption(b[at..], PcapNgReader.OptIfDescription, description);
        at += Option(b[at..], PcapNgReader.OptIfTsResol, [NanosecondResolution]);
        at += EndOfOptions(b[at..]);
        End(b, at);
        _interfaces.Add(name);
        return _interfaces.Count - 1;
    }

    /// <summary>One frame on interface <paramref name="interfaceId"/>, with an optional comment and direction.</summary>
    public void Write(int interfaceId, ReadOnlySpan<byte> frame, ulong timestampNs, PacketDirection direction = PacketDirection.Unknown,
        string? comment = null)
    {
        if ((uint)interfaceId >= (uint)_interfaces.Count)
            throw new ArgumentOutOfRangeException(nameof(interfaceId), $"interface {interfaceId} was not added");
        comment = Fit(comment);
        int commentLen = comment is null ? 0 : Encoding.UTF8.GetByteCount(comment);
        int options = (comment is null ? 0 : OptionSize(commentLen)) + (direction == PacketDirection.Unknown ? 0 : OptionSize(4));
        if (options > 0) options += 4;
        Span<byte> b = Begin(EnhancedPacket, 20 + Pad(frame.Length) + options, out int at);
        BinaryPrimitives.WriteUInt32LittleEndian(b[at..], (uint)interfaceId);
        BinaryPrimitives.WriteUInt32LittleEndian(b[(at + 4)..], (uint)(timestampNs >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(b[(at + 8)..], (uint)timestampNs);
        BinaryPrimitives.WriteUInt32LittleEndian(b[(at + 12)..], (uint)frame.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(b[(at + 16)..], (uint)frame.Length);
        at += 20;
        frame.CopyTo(b[at..]);
        b.Slice(at + frame.Length, Pad(frame.Length) - frame.Length).Clear();
        at += Pad(frame.Length);
        if (comment is not null) at += StringOption(b[at..], PcapNgReader.OptComment, comment);
        if (direction != PacketDirection.Unknown)
        {
            Span<byte> flags = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(flags, (uint)direction);
            at += Option(b[at..], PcapNgReader.OptEpbFlags, flags);
        }
        if (options > 0) at += EndOfOptions(b[at..]);
        End(b, at);
        Count++;
    }

    /// <summary>Pushes buffered blocks to the file.</summary>
    public void Flush() => _out.Flush();

    public void Dispose()
    {
        _out.Flush();
        if (_ownsStream) _out.Dispose();
    }

    // ------------------------------------------------------------------ blocks and options

    private static int Pad(int n) => (n + 3) & ~3;

    private static int OptionSize(int valueLength) => 4 + Pad(valueLength);

    /// <summary>Starts a block of <paramref name="bodyLength"/> body bytes; <paramref name="at"/> is where the body starts.</summary>
    private Span<byte> Begin(uint type, int bodyLength, out int at)
    {
        int total = 12 + bodyLength;
        if (_block.Length < total) _block = new byte[Math.Max(total, _block.Length * 2)];
        Span<byte> b = _block.AsSpan(0, total);
        BinaryPrimitives.WriteUInt32LittleEndian(b, type);
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], (uint)total);
        at = 8;
        return b;
    }

    private void End(Span<byte> b, int at)
    {
        if (at != b.Length - 4) throw new InvalidOperationException($"pcapng block assembled with {at + 4} bytes, announced {b.Length}");
        BinaryPrimitives.WriteUInt32LittleEndian(b[at..], (uint)b.Length);
        _out.Write(b);
        Length += b.Length;
    }

    private static int Option(Span<byte> b, ushort code, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(b, code);
        BinaryPrimitives.WriteUInt16LittleEndian(b[2..], (ushort)value.Length);
        value.CopyTo(b[4..]);
        b.Slice(4 + value.Length, Pad(value.Length) - value.Length).Clear();
        return OptionSize(value.Length);
    }

    /// <summary>The string cut to the 65532 bytes of UTF-8 an option holds (at a character boundary); itself if it fits.</summary>
    private static string? Fit(string? value)
    {
        if (value is null || Encoding.UTF8.GetByteCount(value) <= MaxOptionLength) return value;
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        int cut = MaxOptionLength;
        while (cut > 0 && (utf8[cut] & 0xC0) == 0x80) cut--; // not inside a character
        return Encoding.UTF8.GetString(utf8, 0, cut);
    }

    /// <summary>A UTF-8 string option (the string already <see cref="Fit"/>).</summary>
    private static int StringOption(Span<byte> b, ushort code, string value)
    {
        int len = Encoding.UTF8.GetBytes(value, b[4..]);
        BinaryPrimitives.WriteUInt16LittleEndian(b, code);
        BinaryPrimitives.WriteUInt16LittleEndian(b[2..], (ushort)len);
        b.Slice(4 + len, Pad(len) - len).Clear();
        return OptionSize(len);
    }

    private static int EndOfOptions(Span<byte> b)
    {
        b[..4].Clear();
        return 4;
    }
}
