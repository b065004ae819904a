using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Nezha.Driver.Offload;
using Nezha.Common.Registers;

namespace Nezha.Verify.Cluster;

/// <summary>
/// The memory-triggered controller run: long-lived connections fill the BE's session table, the controller sees
/// the session load stay above <c>occupancyAbove</c> and offloads the heavy vNIC with compact entries.
/// </summary>
/// <param name="FlowsAtOffload">the BE's live sessions in the sample the offload was decided on (-1: no offload).</param>
/// <param name="SessionLoadAtOffload">the same as a session load (sessions / words).</param>
/// <param name="OffloadUs">when the offload was decided, µs after the first connection was opened.</param>
/// <param name="OffloadDoneUs">when the controller had installed it (FE copies written and read back, BE switched).</param>
/// <param name="Flows">the BE's live sessions at its first insert failure (or when the run was stopped).</param>
/// <param name="FlowsAtOnePercent">the BE's live sessions when 1% of its inserts had failed (or at the stop).</param>
/// <param name="CompactOffload">the offload the controller carried out used compact entries.</param>
public sealed record MemoryRunResult(OffloadPolicy Policy, int Fes, IReadOnlyList<ControllerEvent> Events, int SessionWords,
                                     long FlowsAtOffload, double SessionLoadAtOffload, double? OffloadUs, double? OffloadDoneUs, long Flows,
                                     long FlowsAtOnePercent, ulong InsertFailures, bool CompactOffload, long EstablishedRetransmits, long Failed)
{
    public bool OffloadedCompact => CompactOffload && Events.Count(e => e.Kind == nameof(DecisionKind.Offload) && e.Done) == 1;

    public JsonObject ToJson() => new()
    {
        ["occupancy_above"] = Policy.OccupancyAbove, ["hold_periods"] = Policy.HoldPeriods, ["sample_cycles"] = Policy.SampleCycles,
        ["fes"] = Fes, ["offloaded_compact"] = OffloadedCompact,
        ["offload_us"] = OffloadUs is { } u ? Math.Round(u, 1) : null,
        ["offload_done_us"] = OffloadDoneUs is { } v ? Math.Round(v, 1) : null,
        ["flows_at_offload"] = FlowsAtOffload, ["session_load_at_offload"] = Math.Round(SessionLoadAtOffload, 3),
        ["flows"] = Flows, ["flows_1pct_failed"] = FlowsAtOnePercent, ["session_words"] = SessionWords, ["flows_per_word"] = Math.Round((double)Flows / SessionWords, 3),
        ["insert_failures"] = InsertFailures, ["established_retransmits"] = EstablishedRetransmits, ["failed"] = Failed,
        ["decisions"] = new JsonArray(Events.Select(e => (JsonNode)new JsonObject
        {
            ["time_us"] = Math.Round(e.TimeUs, 1), ["kind"] = e.Kind, ["done"] = e.Done, ["reason"] = e.Reason,
        }).ToArray()),
    };
}

public static partial class ClusterScenarios
{
    /// <summary>
    /// The controller, not the test, sees the BE's session table fill up and offloads: long-lived connections are
    /// opened (<paramref name="window"/> handshakes in flight, as in <see cref="Flows"/>) while the controller polls
    /// every card each sampling period; the run ends when 1% of the BE's inserts have failed, or when the BE holds
    /// <paramref name="stopAtFlows"/> sessions (0: no such limit). With <paramref name="policy"/>'s offloadAbove at
    /// 1.0 the slow-path trigger never fires, so any offload is the memory trigger's. <paramref name="atEnd"/> runs
    /// on the still-live cluster with every connection opened (for checks).
    /// </summary>
    public static MemoryRunResult MemoryTriggered(ClusterOptions o, int fes, int window, OffloadPolicy policy, long stopAtFlows = 0,
                                                  ILogger? logger = null, Action<double>? progress = null,
                                                  Action<NezhaCluster, IReadOnlyList<TcpClientConn>>? atEnd = null)
    {
        using var nc = new NezhaCluster(o with { Fes = fes, BackgroundUtil = 0 });
        var ctl = ClusterOffload.Controller(nc, policy, logger);
        nc.C.Resync();
        var be = nc.Be;
        var clock = o.Clock;
        int words = be.Info.SessionEntries;
        long limit = stopAtFlows > 0 ? stopAtFlows : 2L * words;
        var conns = new List<TcpClientConn>();
        ulong t0 = nc.C.Now;

        var events = new List<ControllerEvent>();
        long atOffload = -1;
        double loadAtOffload = 0;
        double? offloadUs = null, doneUs = null;
        bool compact = false, running = true;
        ulong period = (ulong)policy.SampleCycles;
        void Poll(ulong t)
        {
            foreach (var r in ctl.Poll())
            {
                var d = r.Decision;
                events.Add(new ControllerEvent(clock.Microseconds(t - t0), d.Kind.ToString(), d.Be, d.Vnic, d.Fes, d.Reason, r.Done));
                if (d.Kind == DecisionKind.Offload && r.Done && atOffload < 0)
                {
                    atOffload = (long)Math.Round(d.SessionLoad * words);
                    loadAtOffload = d.SessionLoad;
                    offloadUs = clock.Microseconds(t - t0);
                    compact = d.Compact;
                    doneUs = clock.Microseconds(nc.C.Now - t0);
                }
            }
            if (running) nc.C.AtBarrier(t + period, Poll);
        }
        nc.C.AtBarrier(t0, Poll);

        var f = FillSessions(nc, window, limit, stopAtFlows, progress, "filling the session table under the controller",
                             () => compact ? 2 * words : words, conns);
        running = false;
        atEnd?.Invoke(nc, conns);
        return new MemoryRunResult(policy, fes, events, words, atOffload, loadAtOffload, offloadUs, doneUs, f.AtFirstFailure, f.AtOnePercent, f.Failures, compact,
                                   nc.Stats.EstablishedRetransmits, nc.Stats.Failed);
    }
}
