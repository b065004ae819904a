using System.Globalization;

namespace Nezha.Driver.Offload;

/// <summary>One vNIC's counter deltas over a sampling period.</summary>
/// <param name="IsFeCopy">this vNIC entry is an FE copy of another NIC's vNIC (never offloaded itself).</param>
public sealed record VnicLoad(int Vnic, ulong SlowCycles, ulong NewFlows, ulong RxPkts, ulong TxPkts, bool IsFeCopy = false);

/// <summary>One NIC's counter deltas over a sampling period, plus what it could still host as an FE.</summary>
/// <param name="Cycles">cycle counter delta of the period.</param>
/// <param name="Occupancy">live sessions (a gauge) at the end of the period.</param>
/// <param name="FreeVnicSlots">vNIC entries free for an FE copy.</param>
/// <param name="FreeAclSets">ACL sets free for an FE copy.</param>
/// <param name="Reachable">false when the NIC did not answer (it is then neither sampled nor chosen).</param>
public sealed record NicLoad(string Nic, ulong Cycles, ulong Occupancy, IReadOnlyList<VnicLoad> Vnics,
                             int FreeVnicSlots, int FreeAclSets, bool Reachable = true)
{
    public ulong SlowCycles => Vnics.Aggregate(0UL, (s, v) => s + v.SlowCycles);
    /// <summary>Slow-path utilisation: slow-path cycles of all vNICs / cycles.</summary>
    public double Util => Cycles == 0 ? 0 : (double)SlowCycles / Cycles;
    public VnicLoad? Vnic(int v) => Vnics.FirstOrDefault(x => x.Vnic == v);
}

/// <summary>An active offload: a BE's vNIC and, per FE, the vNIC slot of its copy there.</summary>
public sealed record ActiveOffload(string Be, int Vnic, IReadOnlyList<(string Fe, int CopyVnic)> Fes, int Version, bool Compact = false);

public enum DecisionKind { Offload, Revert, NoCandidate }

/// <summary>
/// What the controller decided and why. <see cref="Reason"/> is a sentence with the numbers that caused it.
/// </summary>
public sealed record OffloadDecision(DecisionKind Kind, string Be, int Vnic, IReadOnlyList<string> Fes, string Reason,
                                     double BeUtil, double Threshold);

/// <summary>
/// The controller's decision logic, pure: it sees counter samples and the active offloads and returns
/// decisions; it never touches a card. (docs/nezha-offload.md section 7.)
///
/// Per period: every NIC's slow-path utilisation u = sum of its vNICs' SLOW_CYCLES deltas / cycle delta.
/// <list type="bullet">
/// <item>Revert: for an active offload, the BE's projected utilisation if the vNIC came home is the BE's u plus
/// the slow-path work its copies did on the FEs (each copy's SLOW_CYCLES delta / that FE's cycle delta). Below
/// RevertBelow for HoldPeriods consecutive periods -> revert.</item>
/// <item>Offload: a NIC above OffloadAbove for HoldPeriods consecutive periods offloads its heaviest local vNIC
/// (by slow-path cycles; not an FE copy, not already offloaded) to the least-loaded other NICs with u below
/// FeMaxUtil and room for a copy, at most MaxFes of them. No candidate -> a NoCandidate decision (logged once
/// per hold).</item>
/// </list>
/// Hysteresis: after an offload the projection still contains the moved work, so it stays above RevertBelow
/// (&lt; OffloadAbove) until the load really falls; after a revert the BE is below RevertBelow, so it cannot be
/// above OffloadAbove again without the load really rising.
/// </summary>
public sealed class OffloadDecider
{
    private readonly Dictionary<string, int> _above = new();
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
        _above[a.Be] = 0;
    }

    /// <summary>Records that an offload was undone.</summary>
    public void Reverted(string be, int vnic)
    {
        _active.RemoveAll(x => x.Be == be && x.Vnic == vnic);
        _below.Remove((be, vnic));
        _above[be] = 0;
    }

    public bool IsOffloaded(string be, int vnic) => _active.Exists(a => a.Be == be && a.Vnic == vnic);

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
            double projected = be.Util + feWork;
            var key = (a.Be, a.Vnic);
            int n = projected < Policy.RevertBelow ? _below.GetValueOrDefault(key) + 1 : 0;
            _below[key] = n;
            if (n >= Policy.HoldPeriods)
            {
                decisions.Add(new OffloadDecision(DecisionKind.Revert, a.Be, a.Vnic, a.Fes.Select(f => f.Fe).ToList(),
                    F($"{a.Be} vNIC {a.Vnic}: projected slow-path utilisation with the vNIC back home {Pct(projected)} (BE {Pct(be.Util)} + FE copies {Pct(feWork)}) below revertBelow {Pct0(Policy.RevertBelow)} for {n} periods"),
                    projected, Policy.RevertBelow));
                reverting.Add(a.Be);
                _below[key] = 0;
            }
        }

        foreach (var nic in byName.Values.OrderBy(x => x.Nic, StringComparer.Ordinal))
        {
            double u = nic.Util;
            int n = u > Policy.OffloadAbove ? _above.GetValueOrDefault(nic.Nic) + 1 : 0;
            _above[nic.Nic] = n;
            if (n < Policy.HoldPeriods || reverting.Contains(nic.Nic)) continue;
            _above[nic.Nic] = 0;   // one decision per hold

            var heaviest = nic.Vnics
                .Where(v => !v.IsFeCopy && v.SlowCycles > 0 && !IsOffloaded(nic.Nic, v.Vnic))
                .OrderByDescending(v => v.SlowCycles).ThenBy(v => v.Vnic).FirstOrDefault();
            string over = F($"{nic.Nic}: slow-path utilisation {Pct(u)} above offloadAbove {Pct0(Policy.OffloadAbove)} for {n} periods");
            if (heaviest == null)
            {
                decisions.Add(new OffloadDecision(DecisionKind.NoCandidate, nic.Nic, -1, [],
                    over + "; no local vNIC left to offload", u, Policy.OffloadAbove));
                continue;
            }
            var fes = byName.Values
                .Where(f => f.Nic != nic.Nic && f.Util < Policy.FeMaxUtil && f.FreeVnicSlots > 0 && f.FreeAclSets > 0
                            && !_active.Exists(a => a.Be == f.Nic))
                .OrderBy(f => f.Util).ThenBy(f => f.Nic, StringComparer.Ordinal)
                .Take(Policy.MaxFes).ToList();
            double share = nic.SlowCycles == 0 ? 0 : (double)heaviest.SlowCycles / nic.SlowCycles;
            if (fes.Count == 0)
            {
                decisions.Add(new OffloadDecision(DecisionKind.NoCandidate, nic.Nic, heaviest.Vnic, [],
                    over + F($"; heaviest vNIC {heaviest.Vnic} ({Pct0(share)} of it) but no NIC below feMaxUtil {Pct0(Policy.FeMaxUtil)} with room for a copy"),
                    u, Policy.OffloadAbove));
                continue;
            }
            decisions.Add(new OffloadDecision(DecisionKind.Offload, nic.Nic, heaviest.Vnic, fes.Select(f => f.Nic).ToList(),
                over + F($"; heaviest vNIC {heaviest.Vnic} ({Pct0(share)} of it, {heaviest.NewFlows} new flows in the period) to the least loaded: ") +
                string.Join(", ", fes.Select(f => F($"{f.Nic} ({Pct(f.Util)})"))),
                u, Policy.OffloadAbove));
        }
        return decisions;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
    private static string Pct(double u) => (u * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
    private static string Pct0(double u) => (u * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
}
