using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Nezha.Driver.Offload;

/// <summary>A decision as carried out: when (period number), what, and whether it worked.</summary>
public sealed record DecisionRecord(long Period, OffloadDecision Decision, bool Done, string? Error);

/// <summary>
/// The host offload controller (docs/nezha-offload.md section 7): call <see cref="Poll"/> once every
/// <see cref="OffloadPolicy.SampleCycles"/> cycles. Each poll samples the counters of every managed card
/// (<see cref="LoadSampler"/>), lets <see cref="OffloadDecider"/> decide, and carries the decisions out with
/// <see cref="OffloadExecutor"/>. Every decision is logged with the numbers that caused it. It talks to the cards
/// only through <see cref="NicDriver"/> and <see cref="IOffloadCard"/>, so it runs the same on real cards.
/// </summary>
public sealed partial class OffloadController
{
    private readonly Dictionary<string, LoadSampler> _samplers = new(StringComparer.Ordinal);
    private readonly ILogger _log;

    public OffloadController(IReadOnlyList<ManagedNic> nics, OffloadPolicy policy, ILogger? logger = null, bool attach = true)
    {
        _log = logger ?? NullLogger.Instance;
        Policy = policy.Validated();
        Nics = nics;
        Decider = new OffloadDecider(Policy);
        Executor = new OffloadExecutor(nics, _log) { DrainCycles = Policy.DrainCycles };
        foreach (var n in nics) _samplers[n.Name] = new LoadSampler(n);
        if (attach) Attach();
    }

    public OffloadPolicy Policy { get; }
    public IReadOnlyList<ManagedNic> Nics { get; }
    public OffloadDecider Decider { get; }
    public OffloadExecutor Executor { get; }
    public List<DecisionRecord> History { get; } = new();
    /// <summary>The last sample of every card (null before the second poll).</summary>
    public IReadOnlyList<NicLoad>? LastSample { get; private set; }
    /// <summary>Called after every poll with its sample (for timelines).</summary>
    public Action<IReadOnlyList<NicLoad>>? OnSample { get; set; }

    /// <summary>Reads the cards' tables (vNICs, offload entries, groups, ACL counts, routes, mappings).</summary>
    public void Attach()
    {
        Executor.Attach();
        UpdateSamplers();
    }

    /// <summary>Sets the probe interval and timeout on every card (ticks).</summary>
    public void SetLiveness(int intervalTicks, int timeoutTicks)
    {
        foreach (var n in Nics) n.Offload.SetLiveness(intervalTicks, timeoutTicks);
    }

    private void UpdateSamplers()
    {
        foreach (var n in Nics)
        {
            var s = _samplers[n.Name];
            s.Vnics = Executor.SampledVnics(n.Name);
            s.Copies = Executor.Copies(n.Name);
            s.Free = Executor.Free(n.Name);
        }
    }

    /// <summary>One period: sample, decide, act. Returns the decisions of this period.</summary>
    public IReadOnlyList<DecisionRecord> Poll()
    {
        var sample = new List<NicLoad>();
        foreach (var n in Nics)
        {
            NicLoad? l;
            try { l = _samplers[n.Name].Sample(); }
            catch (Exception e) when (e is NicRegisterException or TimeoutException or IOException)
            {
                Log.Unreachable(_log, n.Name, e.Message);
                l = new NicLoad(n.Name, 0, 0, 0, [], 0, 0, Reachable: false);
            }
            if (l != null) sample.Add(l);
        }
        if (sample.Count == 0) return [];   // first poll: no deltas yet
        LastSample = sample;
        OnSample?.Invoke(sample);
        if (_log.IsEnabled(LogLevel.Debug))
            foreach (var l in sample.Where(x => x.Reachable))
                Log.Sample(_log, l.Nic, l.Util * 100, l.Occupancy, l.SessionLoad * 100, string.Join(" ", l.Vnics.Where(v => v.SlowCycles > 0 || v.RxPkts > 0)
                    .Select(v => $"v{v.Vnic}{(v.IsFeCopy ? "(copy)" : "")}:{v.NewFlows}nf/{v.SlowCycles}sc/{v.RxPkts}rx")));

        var done = new List<DecisionRecord>();
        foreach (var d in Decider.Decide(sample))
        {
            string? error = null;
            switch (d.Kind)
            {
                case DecisionKind.Offload:
                    Log.Decision(_log, d.Compact ? "OFFLOAD COMPACT" : "OFFLOAD", d.Reason);
                    try { Decider.Applied(Executor.Offload(d.Be, d.Vnic, d.Fes, d.Reason, d.Compact)); }
                    catch (OffloadException e) { error = e.Message; }
                    break;
                case DecisionKind.Revert:
                    Log.Decision(_log, "REVERT", d.Reason);
                    try { Executor.Revert(d.Be, d.Vnic, d.Reason); }
                    catch (OffloadException e) { error = e.Message; }
                    Decider.Reverted(d.Be, d.Vnic);   // the BE is local again even if a copy could not be removed
                    break;
                default:
                    Log.Decision(_log, "NO CANDIDATE", d.Reason);
                    break;
            }
            if (error != null) Log.Failed(_log, d.Kind.ToString(), error);
            var rec = new DecisionRecord(Decider.Periods, d, error == null, error);
            History.Add(rec);
            done.Add(rec);
        }
        if (done.Count > 0) UpdateSamplers();
        return done;
    }

    /// <summary>Offloads by hand (as a test or an operator would), recorded like a decision.</summary>
    public ActiveOffload OffloadNow(string be, int vnic, IReadOnlyList<string> fes, string reason, bool compact = false)
    {
        var a = Executor.Offload(be, vnic, fes, reason, compact);
        Decider.Applied(a);
        UpdateSamplers();
        return a;
    }

    public void RevertNow(string be, int vnic, string reason)
    {
        Executor.Revert(be, vnic, reason);
        Decider.Reverted(be, vnic);
        UpdateSamplers();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "{Kind}: {Reason}")]
        public static partial void Decision(ILogger l, string kind, string reason);

        [LoggerMessage(EventId = 111, Level = LogLevel.Error, Message = "{Kind} failed: {Error}")]
        public static partial void Failed(ILogger l, string kind, string error);

        [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "{Nic} did not answer, left out of this period: {Error}")]
        public static partial void Unreachable(ILogger l, string nic, string error);

        [LoggerMessage(EventId = 113, Level = LogLevel.Debug, Message = "{Nic}: slow path {Util:0.0}%, {Occupancy} sessions (session load {SessionLoad:0.0}%); {Vnics}")]
        public static partial void Sample(ILogger l, string nic, double util, ulong occupancy, double sessionLoad, string vnics);
    }
}
