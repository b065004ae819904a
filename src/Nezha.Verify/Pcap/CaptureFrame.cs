namespace Nezha.Verify.Pcap;

/// <summary>One captured frame: its bytes (possibly cut to the snap length), the length on the wire and a timestamp.</summary>
public readonly record struct CaptureFrame(ReadOnlyMemory<byte> Data, int OriginalLength, ulong TimestampNs);

/// <summary>A capture file is malformed or uses something these readers do not support.</summary>
public sealed class CaptureFormatException(string message) : Exception(message);

/// <summary>Link-layer types this tool handles.</summary>
public static class LinkType
{
    public const uint Ethernet = 1;
}
