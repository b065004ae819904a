using System.Buffers.Binary;
using Nezha.Common.Registers;
using Nezha.Verify.Tap;

namespace Nezha.Cli.Replay;

/// <summary>How many input frames met one fate (see <see cref="PcapReport.Outcome"/>).</summary>
public sealed record OutcomeCount(string Outcome, int Frames);

/// <summary>
/// The summary of <c>nezha pcap</c> (<c>--json</c> prints it, camelCase). <see cref="Records"/> counts the
/// capture's records, <see cref="FramesIn"/> the frames pushed into the card (the records less the
/// <see cref="EmptyRecords"/>); <see cref="Interfaces"/> what the pcapng <see cref="Output"/> holds per interface.
/// </summary>
public sealed record PcapReport(
    string Input,
    string Config,
    string Port,
    int? Vnic,
    int Width,
    int Records,
    int FramesIn,
    int EmptyRecords,
    int CutBySnapLength,
    ulong Cycles,
    double ClockMhz,
    bool ReachedIdle,
    string Output,
    IReadOnlyList<InterfaceCount> Interfaces,
    IReadOnlyList<OutcomeCount> Outcomes,
    IReadOnlyList<StatValue> Stats,
    IReadOnlyList<VnicSnapshot> Vnics,
    long FramesChecked,
    int Mismatches,
    IReadOnlyList<string> FirstMismatches)
{
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, BridgeSnapshot.Json);

    /// <summary>
    /// What happened to an input frame, in words: <c>dropped: SPOOF</c>, <c>exception to host: GATEWAY</c>,
    /// <c>delivered to vNIC 1</c>, <c>ARP reply to vNIC 0</c>, <c>sent on net</c> (encapsulated, or a Nezha context
    /// packet), or <c>consumed by the card</c> (a PROBE_REPLY).
    /// </summary>
    public static string Outcome(InputFate fate, int vnicWidth)
    {
        var v = fate.Verdict;
        if (v.Dropped) return $"dropped: {ReplayCapture.SpecName(v.Drop)}";
        if (v.Exception != ExceptionReason.None) return $"exception to host: {ReplayCapture.SpecName(v.Exception)}";
        if (v.Output is not { } o) return "consumed by the card";
        bool arp = o.Data.Length >= 14 && BinaryPrimitives.ReadUInt16BigEndian(o.Data.AsSpan(12)) == 0x0806;
        if (o.Port == PcapReplay.NetPort) return arp ? "ARP reply on net" : "sent on net";
        uint vnic = o.TUser & ((1u << vnicWidth) - 1);
        return arp ? $"ARP reply to vNIC {vnic}" : $"delivered to vNIC {vnic}";
    }

    /// <summary>The outcomes of the inputs, most frequent first.</summary>
    public static IReadOnlyList<OutcomeCount> CountOutcomes(IEnumerable<InputFate> fates, int vnicWidth) =>
        fates.GroupBy(f => Outcome(f, vnicWidth)).Select(g => new OutcomeCount(g.Key, g.Count()))
            .OrderByDescending(c => c.Frames).ThenBy(c => c.Outcome, StringComparer.Ordinal).ToList();
}
