using System.Globalization;

namespace Nezha.Driver.Offload;

/// <summary>One vNIC's counter deltas over a sampling period.</summary>
/// <param name="IsFeCopy">this vNIC entry is an FE copy of another NIC's vNIC (never offloaded itself).</param>
public sealed record VnicLoad(int Vnic, ulong SlowCycles, ulong NewFlows, ulong RxPkts, ulong TxPkts, bool IsFeCopy = false)
{
    public ulong Packets => RxPkts + TxPkts;
}

/// <summary>One NIC's counter deltas over a sampling period, plus what it could still host as an FE.</summary>
/// <param name="Cycles">cycle counter delta of the period.</param>
/// <param name="Occupancy">live sessions (a gauge) at the end of the period, full and compact entries alike.</param>
/// <param name="SessionWords">session table size in words (<see cref="NicInfo.SessionEntries"/>): the full entries it holds;
/// 0 when unknown (an unreachable NIC).</param>
/// <param name="FreeVnicSlots">vNIC entries free for an FE copy.</param>
/// <param name="FreeAclSets">ACL sets free for an FE copy.</param>
/// <param name="Reachable">false when the NIC did not answer (it is then neither sampled nor chosen).</param>
public sealed record NicLoad(string Nic, ulong Cycles, ulong Occupancy, int SessionWords, IReadOnlyList<VnicLoad> Vnics,
                             int FreeVnicSlots, int FreeAclSets, bool Reachable = true)
{
    public ulong SlowCycles => Vnics.Aggregate(0UL, (s, v) => s + v.SlowCycles);
    /// <summary>Slow-path utilisation: slow-path cycles of all vNICs / cycles.</summary>
    public double Util => Cycles == 0 ? 0 : (double)SlowCycles / Cycles;
    /// <summary>Session load: live sessions / session words, the fraction of the table the sessions would take as full
    /// entries. Above 1 (at most 2) on a NIC holding compact entries: the flows would then not fit after a revert.
    /// 0 when the size is unknown.</summary>
    public double SessionLoad => SessionWords <= 0 ? 0 : (double)Occupancy / SessionWords;
    public VnicLoad? Vnic(int v) => Vnics.FirstOrDefault(x => x.Vnic == v);
}

/// <summary>An active offload: a BE's vNIC and, per FE, the vNIC slot of its copy there.</summary>
public sealed record ActiveOffload(string Be, int Vnic, IReadOnlyList<(string Fe, int CopyVnic)> Fes, int Version, bool Compact = false);

public enum DecisionKind { Offload, Revert, NoCandidate }

/// <summary>
/// What the controller decided and why. <see cref="Reason"/> is a sentence with the numbers that caused it.
/// </summary>
/// <param name="BeUtil">the NIC's slow-path utilisation (a revert: the BE's projected one with the vNIC back home).</param>
/// <param name="Threshold">the utilisation threshold it was compared with: offloadAbove, or revertBelow for a revert.</param>
/// <param name="SessionLoad">the NIC's session load (<see cref="NicLoad.SessionLoad"/>).</param>
/// <param name="Compact">an offload: the BE keeps compact session entries for the vNIC (docs/nezha-offload.md section 8);
/// a revert: the offload undone was compact; false for NoCandidate.</param>
public sealed record OffloadDecision(DecisionKind Kind, string Be, int Vnic, IReadOnlyList<string> Fes, string Reason,
                                     double BeUtil, double Threshold, double SessionLoad, bool Compact);

/// <summary>
/// The controller's decision logic, pure: it sees counter samples and the active offloads and returns
/// decisions; it never touches a card. (docs/nezha-offload.md section 7.)
///
/// Per period: every NIC's slow-path utilisation u = sum of its vNICs' SLOW_CYCLES deltas / cycle delta, and its
/// session load s = live sessions / session-table words.
/// <list type="bullet">
/// <item>Revert: for an active offload, the BE's projected utilisation if the vNIC came home is the BE's u plus
/// the slow-path work its copies did on the FEs (each copy's SLOW_CYCLES delta / that FE's cycle delta). Below
/// RevertBelow, with the BE's s below OccupancyRevertBelow, for HoldPeriods consecutive periods -> revert.</item>
/// <item>Offload, two triggers with a hold counter each; at most one decision per NIC and period (both firing give one
/// decision with both reasons, the CPU trigger's vNIC and compact entries):
/// CPU: u above OffloadAbove for HoldPeriods consecutive periods -> the NIC's heaviest local vNIC by slow-path cycles
/// (not an FE copy, not already offloaded: the next one if the heaviest is).
/// Memory: s above OccupancyAbove for HoldPeriods consecutive periods -> the local vNIC that creates the most sessions
/// (<see cref="MostSessions"/>); if that one is already offloaded, a NoCandidate: a smaller vNIC would free little for
/// an FE copy, and on a compact BE, whose s is above 1 by design, every active vNIC would follow one hold after another.
/// The vNIC goes to the least-loaded other NICs with u below FeMaxUtil and room for a copy, at most MaxFes of them,
/// with compact entries if the memory trigger fired, CompactEntries is set or s is at least CompactAbove. No candidate
/// -> a NoCandidate decision (logged once per hold).</item>
/// </list>
/// Hysteresis: after an offload the projection still contains the moved work, so it stays above RevertBelow
/// (&lt; OffloadAbove) until the load really falls; after a revert the BE is below RevertBelow, so it cannot be
/// above OffloadAbove again without the load really rising. The same holds for s with OccupancyRevertBelow &lt;
/// OccupancyAbove: s counts compact entries like full ones, so an offload does not lower it.
/// </summary>
public sealed class OffloadDecider
{
    private readonly Dictionary<string, int> _busy = new();   // periods in a row above offloadAbove, per NIC
    private readonly Dictionary<string, int> _full = new();   // periods in a row above occupancyAbove, per NIC
    private readonly Dictionary<(string, int), int> _below = new();
    private readonly List<ActiveOffload> _active = new();

    public OffloadDecider(OffloadPolicy policy) => Policy = policy.Validated();

    public OffloadPolicy Policy { get; }
    public IReadOnlyList<ActiveOffload> Active => _active;
    public long Periods { get; private set; }

    /// <summary>Records that an offload was carried out (the executor succeeded).</summary>
    public void Applied(ActiveOffload a)
    {
        _active.RemoveAll(x => x.Be == a.Be && x.Vnic == a.Vnic);
        _active.Add(a);
        _below.Remove((a.Be, a.Vnic));
        _busy[a.Be] = 0;
        _full[a.Be] = 0;
    }

    /// <summary>Records that an offload was undone.</summary>
    public void Reverted(string be, int vnic)
    {
        _active.RemoveAll(x => x.Be == be && x.Vnic == vnic);
        _below.Remove((be, vnic));
        _busy[be] = 0;
        _full[be] = 0;
    }

    public bool IsOffloaded(string be, int vnic) => Find(be, vnic) != null;

    private ActiveOffload? Find(string be, int vnic)
    {
        foreach (var a in _active)
            if (a.Vnic == vnic && a.Be == be) return a;
        return null;
    }

    /// <summary>Decides on one period's samples (one per NIC).</summary>
    public IReadOnlyList<OffloadDecision> Decide(IReadOnlyList<NicLoad> sample)
    {
        Periods++;
        var byName = sample.Where(n => n.Reachable).ToDictionary(n => n.Nic);
        var decisions = new List<OffloadDecision>();
        var reverting = new HashSet<string>();

        foreach (var a in _active.ToList())
        {
            if (!byName.TryGetValue(a.Be, out var be)) continue;
            double feWork = 0;
            foreach (var (fe, copy) in a.Fes)
                if (byName.TryGetValue(fe, out var f) && f.Cycles > 0 && f.Vnic(copy) is { } c)
                    feWork += (double)c.SlowCycles / f.Cycles;
            double projected = be.Util + feWork, s = be.SessionLoad;
            var key = (a.Be, a.Vnic);
            int n = projected < Policy.RevertBelow && s < Policy.OccupancyRevertBelow ? _below.GetValueOrDefault(key) + 1 : 0;
            _below[key] = n;
            if (n >= Policy.HoldPeriods)
            {
                decisions.Add(new OffloadDecision(DecisionKind.Revert, a.Be, a.Vnic, a.Fes.Select(f => f.Fe).ToList(),
                    F($"{a.Be} vNIC {a.Vnic}: projected slow-path utilisation with the vNIC back home {Pct(projected)} (BE {Pct(be.Util)} + FE copies {Pct(feWork)}) below revertBelow {Pct0(Policy.RevertBelow)} and session load {Pct(s)} below occupancyRevertBelow {Pct0(Policy.OccupancyRevertBelow)} for {n} periods"),
                    projected, Policy.RevertBelow, s, a.Compact));
                reverting.Add(a.Be);
                _below[key] = 0;
            }
        }

        foreach (var nic in byName.Values.OrderBy(x => x.Nic, StringComparer.Ordinal))
        {
            int busy = Hold(_busy, nic.Nic, nic.Util > Policy.OffloadAbove);
            int full = Hold(_full, nic.Nic, nic.SessionLoad > Policy.OccupancyAbove);
            bool cpu = busy >= Policy.HoldPeriods, memory = full >= Policy.HoldPeriods;
            if (!(cpu || memory) || reverting.Contains(nic.Nic)) continue;
            if (cpu) _busy[nic.Nic] = 0;   // one decision per hold
            if (memory) _full[nic.Nic] = 0;
            decisions.Add(Offload(nic, byName.Values, cpu ? busy : 0, memory ? full : 0));
        }
        return decisions;
    }

    private static int Hold(Dictionary<string, int> periods, string nic, bool over)
    {
        int n = over ? periods.GetValueOrDefault(nic) + 1 : 0;
        periods[nic] = n;
        return n;
    }

    /// <summary>The decision for a NIC whose CPU trigger (<paramref name="busy"/> periods, 0: not fired), memory trigger
    /// (<paramref name="full"/> periods) or both fired.</summary>
    private OffloadDecision Offload(NicLoad nic, IEnumerable<NicLoad> nics, int busy, int full)
    {
        double u = nic.Util, s = nic.SessionLoad;
        bool cpu = busy > 0, memory = full > 0;
        string sessions = F($"session load {Pct(s)} ({nic.Occupancy} sessions in {nic.SessionWords} words)");
        string over = (cpu, memory) switch
        {
            (true, false) => F($"{nic.Nic}: slow-path utilisation {Pct(u)} above offloadAbove {Pct0(Policy.OffloadAbove)} for {busy} periods"),
            (false, true) => F($"{nic.Nic}: {sessions} above occupancyAbove {Pct0(Policy.OccupancyAbove)} for {full} periods (slow path {Pct(u)})"),
            _ => F($"{nic.Nic}: slow-path utilisation {Pct(u)} above offloadAbove {Pct0(Policy.OffloadAbove)} for {busy} periods and {sessions} above occupancyAbove {Pct0(Policy.OccupancyAbove)} for {full} periods"),
        };

        var v = cpu ? HeaviestBySlowCycles(nic) : MostSessions(nic);
        if (v == null)
            return NoCandidate(nic, -1, over + (cpu ? "; no local vNIC left to offload" : "; no local vNIC with traffic in the period to offload"));
        double share = nic.SlowCycles == 0 ? 0 : (double)v.SlowCycles / nic.SlowCycles;
        if (!cpu && Find(nic.Nic, v.Vnic) is { } active)
            return NoCandidate(nic, v.Vnic, over + F($"; vNIC {v.Vnic}, which creates the most sessions ({v.NewFlows} new flows in the period), is already offloaded ") +
                (active.Compact ? "with compact entries: nothing left to free" : "with full entries (an active offload is not switched to compact in place)"));

        string which = cpu
            ? F($"heaviest vNIC {v.Vnic} ({Pct0(share)} of it, {v.NewFlows} new flows in the period)")
            : F($"vNIC {v.Vnic}, which creates the most sessions ({v.NewFlows} new flows in the period, {Pct0(share)} of the slow path),");
        var fes = nics
            .Where(f => f.Nic != nic.Nic && f.Util < Policy.FeMaxUtil && f.FreeVnicSlots > 0 && f.FreeAclSets > 0
                        && !_active.Exists(a => a.Be == f.Nic))
            .OrderBy(f => f.Util).ThenBy(f => f.Nic, StringComparer.Ordinal)
            .Take(Policy.MaxFes).ToList();
        if (fes.Count == 0)
            return NoCandidate(nic, v.Vnic, over + F($"; {which} but no NIC below feMaxUtil {Pct0(Policy.FeMaxUtil)} with room for a copy"));

        (bool compact, string entries) =
            memory ? (true, "compact entries, as for every memory-triggered offload (with full ones the BE would free nothing)")
            : Policy.CompactEntries ? (true, F($"session load {Pct(s)}, compactEntries set: compact entries"))
            : s >= Policy.CompactAbove ? (true, F($"session load {Pct(s)} at or above compactAbove {Pct0(Policy.CompactAbove)}: compact entries"))
            : (false, F($"session load {Pct(s)} below compactAbove {Pct0(Policy.CompactAbove)}: full entries"));
        return new OffloadDecision(DecisionKind.Offload, nic.Nic, v.Vnic, fes.Select(f => f.Nic).ToList(),
            over + F($"; {which} to the least loaded: ") + string.Join(", ", fes.Select(f => F($"{f.Nic} ({Pct(f.Util)})"))) + "; " + entries,
            u, Policy.OffloadAbove, s, compact);
    }

    private OffloadDecision NoCandidate(NicLoad nic, int vnic, string reason) =>
        new(DecisionKind.NoCandidate, nic.Nic, vnic, [], reason, nic.Util, Policy.OffloadAbove, nic.SessionLoad, false);

    /// <summary>The CPU trigger's choice: the local vNIC with the most slow-path cycles, then the lowest id; not an FE
    /// copy, not already offloaded, not idle.</summary>
    private VnicLoad? HeaviestBySlowCycles(NicLoad nic)
    {
        VnicLoad? best = null;
        foreach (var v in nic.Vnics)
            if (!v.IsFeCopy && v.SlowCycles > 0
                && (best == null || v.SlowCycles > best.SlowCycles || v.SlowCycles == best.SlowCycles && v.Vnic < best.Vnic)
                && !IsOffloaded(nic.Nic, v.Vnic))
                best = v;
        return best;
    }

    /// <summary>
    /// The memory trigger's choice: the local vNIC (not an FE copy, offloaded or not) that creates the most sessions: the
    /// most NEW_FLOWS, then slow-path cycles, then packets (a vNIC whose flows are all long-lived creates none in a
    /// period; the one moving the most packets is the likeliest to hold and open the most), then the lowest id. Null if
    /// no local vNIC had any of these.
    /// </summary>
    private static VnicLoad? MostSessions(NicLoad nic)
    {
        VnicLoad? best = null;
        foreach (var v in nic.Vnics)
            if (!v.IsFeCopy && (v.NewFlows | v.SlowCycles | v.Packets) != 0 && (best == null || MoreSessions(v, best)))
                best = v;
        return best;
    }

    private static bool MoreSessions(VnicLoad a, VnicLoad b) =>
        a.NewFlows != b.NewFlows ? a.NewFlows > b.NewFlows
        : a.SlowCycles != b.SlowCycles ? a.SlowCycles > b.SlowCycles
        : a.Packets != b.Packets ? a.Packets > b.Packets
        : a.Vnic < b.Vnic;

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
    private static string Pct(double u) => (u * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
    private static string Pct0(double u) => (u * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
}
