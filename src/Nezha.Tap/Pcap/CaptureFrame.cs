namespace Nezha.Verify.Pcap;

/// <summary>
/// One captured frame: its bytes (possibly cut to the snap length), the length on the wire, a timestamp and,
/// from a pcapng file, the interface it was captured on (index over the whole file, as Wireshark numbers them),
/// its comments and its direction.
/// </summary>
public readonly record struct CaptureFrame(ReadOnlyMemory<byte> Data, int OriginalLength, ulong TimestampNs, int Interface = 0,
    string? Comment = null, PacketDirection Direction = PacketDirection.Unknown);

/// <summary>The direction bits of a pcapng enhanced packet block's flags (epb_flags bits 0-1).</summary>
public enum PacketDirection { Unknown = 0, Inbound = 1, Outbound = 2 }

/// <summary>An interface of a capture: its index over the whole file, link type, and pcapng name and description.</summary>
public sealed record CaptureInterface(int Id, uint LinkType, string? Name, string? Description);

/// <summary>A whole capture file: its interfaces and frames.</summary>
public sealed record CaptureFile(IReadOnlyList<CaptureInterface> Interfaces, List<CaptureFrame> Frames);

/// <summary>A capture file is malformed or uses something these readers do not support.</summary>
public sealed class CaptureFormatException(string message) : Exception(message);

/// <summary>Link-layer types (the tcpdump.org LINKTYPE_ registry); this tool handles Ethernet.</summary>
public static class LinkType
{
    public const uint Ethernet = 1;

    /// <summary>"113 (LINUX_SLL)" for the common ones, "113" for the rest; for messages.</summary>
    public static string Describe(uint linkType) => linkType switch
    {
        0 => "0 (NULL, BSD loopback)",
        1 => "1 (ETHERNET)",
        101 => "101 (RAW, IP without a link header)",
        105 => "105 (IEEE802_11, Wi-Fi)",
        113 => "113 (LINUX_SLL, Linux cooked capture)",
        127 => "127 (IEEE802_11_RADIOTAP)",
        228 => "228 (IPV4)",
        229 => "229 (IPV6)",
        276 => "276 (LINUX_SLL2, Linux cooked capture v2)",
        _ => linkType.ToString(),
    };
}
