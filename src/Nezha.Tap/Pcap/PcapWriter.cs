using System.Buffers.Binary;

namespace Nezha.Verify.Pcap;

/// <summary>Writes a classic pcap file with nanosecond timestamps and Ethernet link type.</summary>
public sealed class PcapWriter : IDisposable
{
    private readonly Stream _out;
    private readonly bool _ownsStream;
    private readonly int _snapLen;

    public PcapWriter(Stream output, int snapLen = 65535, bool ownsStream = true)
    {
        _out = output;
        _ownsStream = ownsStream;
        _snapLen = snapLen;
        Span<byte> h = stackalloc byte[FileHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(h, PcapReader.MagicNano);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], 0);   // thiszone
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 0);  // sigfigs
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], (uint)snapLen);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], LinkType.Ethernet);
        _out.Write(h);
        Length = h.Length;
    }

    /// <summary>The size of a file header, the bytes of a file without records.</summary>
    public const int FileHeaderLength = 24;

    /// <summary>The bytes a record of <paramref name="frameLength"/> bytes takes (header and data, up to the snap length).</summary>
    public long RecordLength(int frameLength) => 16 + Math.Min(frameLength, _snapLen);

    public static PcapWriter Create(string path) => new(File.Create(path));

    public int Count { get; private set; }

    /// <summary>Bytes written so far (file header and records).</summary>
    public long Length { get; private set; }

    public void Write(ReadOnlySpan<byte> frame, ulong timestampNs)
    {
        int capLen = Math.Min(frame.Length, _snapLen);
        Span<byte> h = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(h, (uint)(timestampNs / 1_000_000_000UL));
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)(timestampNs % 1_000_000_000UL));
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], (uint)capLen);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], (uint)frame.Length);
        _out.Write(h);
        _out.Write(frame[..capLen]);
        Count++;
        Length += 16 + capLen;
    }

    /// <summary>Pushes buffered records to the file (readers see complete records up to here).</summary>
    public void Flush() => _out.Flush();

    public void Dispose()
    {
        _out.Flush();
        if (_ownsStream) _out.Dispose();
    }
}
