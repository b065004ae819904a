using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Nezha.Driver.Offload;
using Nezha.Common.Registers;
using Nezha.Verify.Testbench;

namespace Nezha.Verify.Cluster;

/// <summary>How the controller end-to-end run is driven (loads relative to the 0-FE CPS, phase lengths in µs).</summary>
public sealed record ControllerRun
{
    public OffloadPolicy Policy { get; init; } = new(SampleCycles: 25_000, OffloadAbove: 0.6, RevertBelow: 0.3, HoldPeriods: 3, MaxFes: 4, FeMaxUtil: 0.5);
    public ILogger? Logger { get; init; }
    public double LowLoad { get; init; } = 0.2;
    public double HighLoad { get; init; } = 1.3;
    public double LowUs { get; init; } = 400;
    public double HighUs { get; init; } = 2000;
    public double TailUs { get; init; } = 2000;
}

public sealed record ControllerPhase(string Name, double StartUs, double EndUs, double OfferedCps, double Cps, double MeanBeUtil);

public sealed record ControllerEvent(double TimeUs, string Kind, string Be, int Vnic, IReadOnlyList<string> Fes, string Reason, bool Done);

public sealed record UtilPoint(double TimeUs, double BeUtil, double FeUtilMax);

public sealed record ControllerRunResult(OffloadPolicy Policy, IReadOnlyList<ControllerPhase> Phases, IReadOnlyList<ControllerEvent> Events,
                                         IReadOnlyList<UtilPoint> Timeline, double? OffloadReactionUs, double? RevertReactionUs,
                                         long Completed, long Failed, long SynRetransmits, long LatePushes,
                                         ulong MaxLateCycles = 0)
{
    public bool OffloadedAndReverted =>
        Events.Count(e => e.Kind == "Offload" && e.Done) == 1 && Events.Count(e => e.Kind == "Revert" && e.Done) == 1;

    public JsonObject ToJson(ClusterClock clock)
    {
        double R(double v) => Math.Round(v, 1);
        return new JsonObject
        {
            ["offloaded_and_reverted"] = OffloadedAndReverted,
            ["offload_reaction_us"] = OffloadReactionUs is { } a ? R(a) : null,
            ["revert_reaction_us"] = RevertReactionUs is { } b ? R(b) : null,
            ["policy"] = new JsonObject
            {
                ["sampleCycles"] = Policy.SampleCycles, ["offloadAbove"] = Policy.OffloadAbove, ["revertBelow"] = Policy.RevertBelow,
                ["holdPeriods"] = Policy.HoldPeriods, ["maxFes"] = Policy.MaxFes, ["feMaxUtil"] = Policy.FeMaxUtil,
            },
            ["phases"] = new JsonArray(Phases.Select(p => (JsonNode)new JsonObject
            {
                ["name"] = p.Name, ["start_us"] = R(p.StartUs), ["end_us"] = R(p.EndUs), ["offered_cps"] = Math.Round(p.OfferedCps),
                ["cps"] = Math.Round(p.Cps), ["mean_be_slowpath_util"] = Math.Round(p.MeanBeUtil, 3),
            }).ToArray()),
            ["decisions"] = new JsonArray(Events.Select(e => (JsonNode)new JsonObject
            {
                ["time_us"] = R(e.TimeUs), ["kind"] = e.Kind, ["be"] = e.Be, ["vnic"] = e.Vnic,
                ["fes"] = new JsonArray(e.Fes.Select(f => (JsonNode)f).ToArray()), ["done"] = e.Done, ["reason"] = e.Reason,
            }).ToArray()),
            ["completed"] = Completed, ["failed"] = Failed, ["syn_retransmits"] = SynRetransmits, ["late_pushes"] = LatePushes, ["max_late_cycles"] = MaxLateCycles,
            ["be_util_timeline"] = new JsonArray(Timeline.Select(t => (JsonNode)new JsonArray(R(t.TimeUs), Math.Round(t.BeUtil, 3), Math.Round(t.FeUtilMax, 3))).ToArray()),
        };
    }
}

public static partial class ClusterScenarios
{
    /// <summary>
    /// FE failure: the heavy vNIC is offloaded to <paramref name="fes"/> FEs (hardware liveness on), long-lived
    /// connections are established through the detour and keep sending data, new short connections keep
    /// arriving at <paramref name="newCps"/>; then the first FE is killed (the fabric drops everything to and from
    /// it). Measured: the time from the kill until the VM receives the first SYN of a new connection whose primary
    /// FE was the dead one (its share handled by a survivor), the time until the BE counted the FE down, the
    /// established connections that lost a packet, and the client packets lost (REQUESTs and VERDICTs the
    /// fabric dropped).
    /// </summary>
    public static FailoverResult Failover(ClusterOptions o, int fes, int longFlows, double newCps, OffloadHook offload,
                                          Action<double>? progress = null)
    {
        if (fes < 2) throw new ArgumentException("failover needs at least 2 FEs");
        using var nc = new NezhaCluster(o with { Fes = fes });
        offload(nc, fes);
        nc.StartBackground(nc.C.Now);
        var byAddr = new Dictionary<(uint, ushort), TcpClientConn>();
        TcpClientConn Open(ulong t, bool l)
        {
            var c = nc.Open(t, l);
            byAddr[(c.Vm.Ip, c.Port)] = c;
            return c;
        }

        var longs = new List<TcpClientConn>();
        for (int i = 0; i < longFlows; i++) longs.Add(Open(nc.C.Now + (ulong)i * 50, true));
        Run(nc, () => longs.Any(c => c.State != ClientState.Open), 2_000_000, "establishing the long connections");
        ulong dataEvery = o.Clock.Cycles(20);
        bool sending = true;
        for (int i = 0; i < longs.Count; i++)
        {
            var c = longs[i];
            var host = nc.Endpoint(c.Id).Host;
            void Send(ulong t)
            {
                if (!sending) return;
                host.SendData(c, t);
                nc.C.At(t + dataEvery, Send);
            }
            nc.C.At(nc.C.Now + (ulong)i * dataEvery / (ulong)longs.Count, Send);
        }

        ulong tick = (ulong)o.TickCycles;
        ulong kill = nc.C.Now + o.Clock.Cycles(100);
        ulong detectBound = (ulong)(o.ProbeTimeoutTicks + 2 * o.ProbeIntervalTicks) * tick;
        ulong end = kill + detectBound + o.Clock.Cycles(o.RtoUs) + o.Clock.Cycles(200);
        double interval = o.ClockMhz * 1e6 / newCps;
        // new connections, evenly spaced, until shortly before the end
        double ta = nc.C.Now;
        long newOpened = 0;
        var afterKill = new List<TcpClientConn>();
        void Next(ulong t)
        {
            var c = Open(t, false);
            if (t >= kill) afterKill.Add(c);
            newOpened++;
            ta += interval;
            if (ta < end - o.Clock.Cycles(o.RtoUs) / 2) nc.C.At((ulong)ta, Next);
        }
        nc.C.At((ulong)ta, Next);
        nc.Stats.OnDone = (c, _) => nc.Endpoint(c.Id).Host.Forget(c);

        var dead = nc.Fes[0];
        long retransBefore = 0;
        FabricStats? atKill = null;
        var lostBefore = new Dictionary<TcpClientConn, int>();
        nc.C.AtBarrier(kill, t =>
        {
            nc.C.Kill(dead);
            atKill = new FabricStats
            {
                DroppedRequests = nc.C.Fabric.Stats.DroppedRequests, DroppedVerdicts = nc.C.Fabric.Stats.DroppedVerdicts,
                DroppedProbes = nc.C.Fabric.Stats.DroppedProbes,
            };
            foreach (var c in longs) lostBefore[c] = c.EstablishedRetransmits;
            retransBefore = nc.Stats.EstablishedRetransmits;
        });
        // the first SYN of the dead FE's share (a connection opened after the kill) that reaches the VM
        ulong recovered = 0;
        nc.HeavyVm.OnSegment = (s, t) =>
        {
            if (recovered != 0 || t < kill || !s.Has(TcpFlags.Syn)) return;
            if (byAddr.TryGetValue((s.SrcIp, s.SrcPort), out var c) && c.OpenedAt >= kill && Wire.PrimaryFe(c.Hash, fes) == 0)
                recovered = t;
        };
        // when the BE counts the FE down (FE_DOWN, STATS 55), polled every 5 µs
        ulong detected = 0;
        ulong poll = o.Clock.Cycles(5);
        void Poll(ulong t)
        {
            if (detected != 0) return;
            if (nc.Be.Driver.ReadStat((StatIndex)55) > 0) { detected = t; return; }
            nc.C.AtBarrier(t + poll, Poll);
        }
        nc.C.AtBarrier(kill, Poll);

        nc.C.OnChunk = now => progress?.Invoke(Math.Min(1.0, (double)(now) / end));
        nc.C.RunUntil(end);
        sending = false;
        nc.C.Run(o.Clock.Cycles(o.RtoUs) + o.Clock.Cycles(100));   // let the retransmissions finish

        var s = nc.C.Fabric.Stats;
        long reqLost = s.DroppedRequests - atKill!.DroppedRequests, verLost = s.DroppedVerdicts - atKill.DroppedVerdicts;
        long estLost = longs.Count(c => c.EstablishedRetransmits > lostBefore[c] || c.DataAcked < c.DataSent || c.State != ClientState.Open);
        long share = afterKill.Count(c => Wire.PrimaryFe(c.Hash, fes) == 0);
        return new FailoverResult(fes, dead.Name, kill,
            recovered == 0 ? double.NaN : recovered - kill, detected == 0 ? double.NaN : detected - kill,
            longs.Count, estLost, nc.Stats.EstablishedRetransmits - retransBefore,
            reqLost + verLost, reqLost, verLost, s.DroppedProbes - atKill.DroppedProbes,
            afterKill.Count, afterKill.Count(c => c.State == ClientState.Done), share);
    }

    /// <summary>
    /// The controller, not the test, detects the overload and offloads, and later reverts: the offered load is
    /// low, then above what the BE alone can take, then low again; the controller polls every card each
    /// sampling period through the drivers and acts on its own.
    /// </summary>
    /// <param name="atEnd">runs on the cluster at the end of the run, before it is disposed (tests check the models there)</param>
    public static ControllerRunResult ControllerEndToEnd(ClusterOptions o, int fes, double baseCps, ControllerRun run,
                                                         Action<double>? progress = null, Action<NezhaCluster>? atEnd = null)
    {
        using var nc = new NezhaCluster(o with { Fes = fes });
        var ctl = ClusterOffload.Controller(nc, run.Policy, run.Logger);
        nc.C.Resync();
        nc.StartBackground(nc.C.Now);
        nc.Stats.OnDone = (c, _) => nc.Endpoint(c.Id).Host.Forget(c);
        var clock = o.Clock;
        ulong t0 = nc.C.Now;
        var phases = new List<(string Name, ulong Start, ulong End, double Offered)>
        {
            ("low", t0, t0 + clock.Cycles(run.LowUs), run.LowLoad * baseCps),
        };
        phases.Add(("high", phases[^1].End, phases[^1].End + clock.Cycles(run.HighUs), run.HighLoad * baseCps));
        phases.Add(("low again", phases[^1].End, phases[^1].End + clock.Cycles(run.TailUs), run.LowLoad * baseCps));
        ulong end = phases[^1].End;
        foreach (var p in phases) Arrivals(nc, p.Start, p.End, o.ClockMhz * 1e6 / p.Offered);

        var events = new List<ControllerEvent>();
        var timeline = new List<UtilPoint>();
        ctl.OnSample = sample =>
        {
            var be = sample.First(x => x.Nic == nc.Be.Name);
            double fe = sample.Where(x => x.Nic != nc.Be.Name).Select(x => x.Util).DefaultIfEmpty(0).Max();
            timeline.Add(new UtilPoint(clock.Microseconds(nc.C.EventTime - t0), be.Util, fe));
        };
        ulong period = (ulong)run.Policy.SampleCycles;
        void Poll(ulong t)
        {
            foreach (var r in ctl.Poll())
                events.Add(new ControllerEvent(clock.Microseconds(t - t0), r.Decision.Kind.ToString(), r.Decision.Be, r.Decision.Vnic,
                                               r.Decision.Fes, r.Decision.Reason, r.Done));
            if (t + period <= end) nc.C.AtBarrier(t + period, Poll);
        }
        nc.C.AtBarrier(t0, Poll);
        var completedAt = new List<ulong>();
        nc.Stats.OnDone = (c, t) => { completedAt.Add(t); nc.Endpoint(c.Id).Host.Forget(c); };
        nc.C.OnChunk = now => progress?.Invoke(Math.Min(1.0, (double)(now - t0) / (end - t0)));
        nc.C.RunUntil(end);
        nc.C.Run(clock.Cycles(o.RtoUs));
        atEnd?.Invoke(nc);

        var result = new List<ControllerPhase>();
        foreach (var p in phases)
        {
            double s = clock.Microseconds(p.Start - t0), e = clock.Microseconds(p.End - t0);
            long done = completedAt.Count(t => t >= p.Start && t < p.End);
            double util = timeline.Where(x => x.TimeUs > s && x.TimeUs <= e).Select(x => x.BeUtil).DefaultIfEmpty(0).Average();
            result.Add(new ControllerPhase(p.Name, s, e, p.Offered, clock.PerSecond(done, p.End - p.Start), util));
        }
        var off = events.FirstOrDefault(x => x.Kind == "Offload" && x.Done);
        var rev = events.FirstOrDefault(x => x.Kind == "Revert" && x.Done);
        return new ControllerRunResult(run.Policy, result, events, timeline,
            off == null ? null : off.TimeUs - result[1].StartUs, rev == null ? null : rev.TimeUs - result[2].StartUs,
            nc.Stats.Completed, nc.Stats.Failed, nc.Stats.SynRetransmits, nc.C.LatePushes, nc.C.MaxLateCycles);
    }
}
