using System.Text.Json;
using System.Text.Json.Serialization;
using Nezha.Driver;

namespace Nezha.Verify.Tap;

/// <summary>
/// The live counters of a running bridge: the card's STATS and per-vNIC counters (read from its registers
/// while it was idle), the bridge's own per-device counters and the RTL/model check. It is also what the
/// control socket answers (JSON, camelCase), so <c>nezha stats</c> can print it.
/// </summary>
public sealed record BridgeSnapshot(
    double UptimeSeconds,
    int Width,
    ulong Cycles,
    string Clock,
    long TicksIssued,
    IReadOnlyList<StatValue> Stats,
    IReadOnlyList<VnicSnapshot> Vnics,
    IReadOnlyList<TapSnapshot> Taps,
    IReadOnlyList<ReasonCount> Exceptions,
    long UnderlayArpReplies,
    long Undeliverable,
    bool Checked,
    long FramesChecked,
    int Mismatches,
    IReadOnlyList<string> FirstMismatches,
    ulong ProtocolErrors)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <exception cref="JsonException">not a snapshot.</exception>
    public static BridgeSnapshot FromJson(string json) =>
        JsonSerializer.Deserialize<BridgeSnapshot>(json, Json) ?? throw new JsonException("empty snapshot");

    /// <summary>A STATS counter by index (0 if it was not read).</summary>
    public ulong Stat(Nezha.Common.Registers.StatIndex i) => Stats.FirstOrDefault(s => s.Index == (int)i)?.Value ?? 0;

    public TapSnapshot? Tap(string name) => Taps.FirstOrDefault(t => t.Name == name);
}

/// <summary>One STATS counter (index = docs/datapath-spec.md section 6).</summary>
public sealed record StatValue(int Index, string Name, ulong Value);

/// <summary>A configured vNIC and its VNIC_STATS counters.</summary>
public sealed record VnicSnapshot(int Id, VnicEntry Entry, string Device, VnicCounters Counters);

/// <summary>
/// One TAP device. <see cref="FramesIn"/>/<see cref="BytesIn"/>: read from the device and pushed into the card;
/// <see cref="FramesOut"/>/<see cref="BytesOut"/>: written to the device (what the namespace received);
/// <see cref="WriteErrors"/>: writes the kernel refused (link down, ...); <see cref="Deferred"/>: times the
/// device had frames waiting while the card's input queue was full (they stay in the kernel's queue).
/// The frames lost outside the card: <see cref="KernelTxDropped"/>, sent by the namespace but dropped by the
/// kernel because the device's queue towards the bridge was full (the device's tx_dropped counter), and
/// <see cref="KernelRxDropped"/>, written by the bridge but dropped by the kernel on receipt (rx_dropped), both
/// counted since the bridge created the device, null if the kernel's counters could not be read;
/// <see cref="Unwritten"/>: frames for the device the bridge did not write because the device was gone.
/// </summary>
public sealed record TapSnapshot(string Name, string Role, long FramesIn, long BytesIn, long FramesOut, long BytesOut,
    long WriteErrors, long Deferred, bool Alive, long? KernelTxDropped = null, long? KernelRxDropped = null, long Unwritten = 0);

public sealed record ReasonCount(int Code, string Reason, long Frames);
