using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nezha.Common.Registers;

namespace Nezha.Driver.Offload;

/// <summary>The offload could not be installed or removed (a card refused a write, a read-back differed, no room).</summary>
public sealed class OffloadException(string message) : Exception(message);

/// <summary>
/// Carries out offload and revert decisions on the cards, through <see cref="NicDriver"/> and
/// <see cref="IOffloadCard"/> only, in the order of docs/nezha-offload.md section 7:
/// <list type="number">
/// <item>offload: on every FE, the vNIC's tables as an FE copy with version V+1 (ACL set into a free set,
/// the VNI's routes and mappings the FE lacks, the offload entry MODE = FE, the vNIC entry), read back and
/// compared; then on the BE the FE group, then its offload entry (MODE = BE, VERSION = V+1). From that write
/// on new flows go to the FEs.</item>
/// <item>revert, in reverse: the BE's offload entry MODE = DRAIN (new flows run its own slow path, verdicts
/// already on their way are still accepted), a wait of <see cref="DrainCycles"/> of the BE's clock, then MODE =
/// LOCAL and its FE group emptied, then every FE copy removed (offload entry LOCAL, vNIC entry cleared, ACL set
/// emptied, the routes and mappings it added removed).</item>
/// </list>
/// It keeps a shadow of each card's tables (vNICs, offload entries, ACL sets, routes, mappings, FE groups), read
/// from the cards by <see cref="Attach"/> and kept up to date with its own writes, so that an offload decided
/// under load writes (and reads back) only what it installs; call <see cref="Attach"/> again after the cards
/// were reprogrammed by someone else.
/// </summary>
public sealed partial class OffloadExecutor
{
    private sealed class Card(ManagedNic nic)
    {
        public ManagedNic Nic { get; } = nic;
        public NicInfo Info = null!;
        public VnicEntry[] Vnics = [];
        public OffloadState[] Offload = [];
        public int[] AclCount = [];
        public RouteEntry[] Routes = [];
        public FeGroupState[] Groups = [];
        public MappingEntry[] Maps = [];
        public List<AclRule>[] Acls = [];
        public readonly HashSet<int> ReservedSets = new();
    }

    private sealed record Copy(string Fe, int Slot, int AclSet, List<int> AddedRoutes, List<(uint Vni, uint Ip)> AddedMappings);

    private sealed record Installed(ActiveOffload Active, int Group, List<Copy> Copies);

    private readonly Dictionary<string, Card> _cards = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, int), Installed> _installed = new();
    private readonly ILogger _log;

    public OffloadExecutor(IEnumerable<ManagedNic> nics, ILogger? logger = null)
    {
        _log = logger ?? NullLogger.Instance;
        foreach (var n in nics) _cards.Add(n.Name, new Card(n));
    }

    public IEnumerable<ManagedNic> Nics => _cards.Values.Select(c => c.Nic);

    /// <summary>
    /// How long a reverting BE stays in DRAIN (cycles of its CORE CYCLES counter, which the executor polls): longer
    /// than the round trip of a detour (BE -> FE -> BE, fabric and FE included), so that no VERDICT sent before
    /// the revert arrives after it and no first packet is lost. 0 goes straight to LOCAL.
    /// </summary>
    public long DrainCycles { get; init; } = 5_000;

    public IReadOnlyCollection<ActiveOffload> Active => _installed.Values.Select(i => i.Active).ToList();

    /// <summary>Register accesses (reads and writes) are counted by the transports; this counts offload steps done.</summary>
    public int Operations { get; private set; }

    /// <summary>Reads what every card holds (vNIC, offload, ACL counts, routes, FE groups) and syncs the mapping placement.</summary>
    public void Attach()
    {
        foreach (var c in _cards.Values) Refresh(c);
    }

    private static void Refresh(Card c)
    {
        var d = c.Nic.Driver;
        c.Info = d.Discover();
        var info = c.Info;
        c.Vnics = Enumerable.Range(0, info.NVnic).Select(d.ReadVnic).ToArray();
        c.Offload = Enumerable.Range(0, info.NVnic).Select(c.Nic.Offload.ReadOffload).ToArray();
        c.AclCount = Enumerable.Range(0, info.AclSets).Select(d.GetAclCount).ToArray();
        c.Acls = Enumerable.Range(0, info.AclSets)
            .Select(s => Enumerable.Range(0, c.AclCount[s]).Select(i => d.ReadAclRule(s, i)).ToList()).ToArray();
        c.Routes = Enumerable.Range(0, info.Routes).Select(d.ReadRoute).ToArray();
        c.Groups = Enumerable.Range(0, c.Nic.Offload.Groups).Select(c.Nic.Offload.ReadFeGroup).ToArray();
        c.Maps = Enumerable.Range(0, info.MapEntries).Select(d.ReadMapping).ToArray();
        d.SyncMappingsFromCard();
    }

    private Card Get(string name) => _cards.TryGetValue(name, out var c) ? c : throw new ArgumentException($"unknown NIC {name}");

    /// <summary>vNIC slots and ACL sets free for an FE copy on a card.</summary>
    public (int Vnics, int AclSets) Free(string nic)
    {
        var c = Get(nic);
        return (FreeSlots(c).Count(), FreeSets(c).Count());
    }

    /// <summary>The vNICs worth sampling on a card: enabled ones and FE copies.</summary>
    public IReadOnlyCollection<int> SampledVnics(string nic)
    {
        var c = Get(nic);
        return Enumerable.Range(0, c.Vnics.Length).Where(i => c.Vnics[i].Enabled || c.Offload[i].Mode == OffloadState.Fe).ToList();
    }

    public IReadOnlySet<int> Copies(string nic)
    {
        var c = Get(nic);
        return Enumerable.Range(0, c.Vnics.Length).Where(i => c.Offload[i].Mode == OffloadState.Fe).ToHashSet();
    }

    private static IEnumerable<int> FreeSlots(Card c) =>
        Enumerable.Range(0, c.Vnics.Length).Where(i => !c.Vnics[i].Enabled && c.Offload[i].Mode == OffloadState.Local);

    private static IEnumerable<int> FreeSets(Card c)
    {
        var used = new HashSet<int>(c.Vnics.Where(v => v.Enabled).Select(v => v.AclSet));
        for (int i = 0; i < c.Vnics.Length; i++)
            if (c.Offload[i].Mode == OffloadState.Fe) used.Add(c.Vnics[i].AclSet);
        return Enumerable.Range(0, c.AclCount.Length).Where(s => !used.Contains(s) && c.AclCount[s] == 0 && !c.ReservedSets.Contains(s));
    }

    // ------------------------------------------------------------------ offload

    /// <summary>Offloads <paramref name="vnic"/> of <paramref name="be"/> to <paramref name="fes"/>; undoes its own
    /// partial work and throws <see cref="OffloadException"/> when a step fails. <paramref name="compact"/>: the BE
    /// keeps compact session entries for the new flows (docs/nezha-offload.md section 8).</summary>
    public ActiveOffload Offload(string be, int vnic, IReadOnlyList<string> fes, string reason = "", bool compact = false)
    {
        if (fes.Count is < 1 or > 4) throw new ArgumentException("an FE group holds 1..4 FEs", nameof(fes));
        var b = Get(be);
        if (_installed.ContainsKey((be, vnic))) throw new OffloadException($"{be} vNIC {vnic} is already offloaded");
        if ((uint)vnic >= (uint)b.Vnics.Length || !b.Vnics[vnic].Enabled || b.Offload[vnic].Mode != OffloadState.Local)
            throw new OffloadException($"{be} vNIC {vnic} is not an enabled local vNIC");
        if (fes.Contains(be) || fes.Distinct().Count() != fes.Count) throw new ArgumentException("the FEs must be distinct and not the BE", nameof(fes));
        int group = Array.FindIndex(b.Groups, g => g.Members.Count == 0);
        if (group < 0) throw new OffloadException($"{be} has no free FE group");

        var entry = b.Vnics[vnic];
        int version = (b.Offload[vnic].Version + 1) & 0xFF;
        var rules = b.Acls[entry.AclSet];
        int n = rules.Count;
        var routes = b.Routes.Where(r => r.Valid && r.Vni == entry.Vni).ToList();
        var mappings = b.Maps.Where(m => m.Valid && m.Vni == entry.Vni).ToList();
        Log.OffloadStart(_log, be, vnic, string.Join(", ", fes), version, n, routes.Count, mappings.Count, reason);

        var copies = new List<Copy>();
        try
        {
            foreach (string fe in fes)
                copies.Add(InstallCopy(Get(fe), b, vnic, entry, version, rules, routes, mappings));
            // BE: the group, then the offload entry (from here new flows take the detour)
            var grp = new FeGroupState(fes.Select(f => Get(f).Nic.Vtep).ToList());
            b.Nic.Offload.WriteFeGroup(group, grp);
            var back = b.Nic.Offload.ReadFeGroup(group);
            if (!back.Members.SequenceEqual(grp.Members))
                throw new OffloadException($"{be}: FE group {group} reads back as [{string.Join(", ", back.Members.Select(NetFormat.Ip))}]");
            b.Groups[group] = back;
            var be1 = new OffloadState(OffloadState.Be, group, version, 0, 0, compact);
            WriteChecked(b, vnic, be1);
        }
        catch (Exception e) when (e is OffloadException or NicRegisterException)
        {
            Log.OffloadFailed(_log, be, vnic, e.Message);
            TryUndo(b, vnic, group, copies);
            throw e as OffloadException ?? new OffloadException(e.Message);
        }
        var active = new ActiveOffload(be, vnic, copies.Select(c => (c.Fe, c.Slot)).ToList(), version, compact);
        _installed[(be, vnic)] = new Installed(active, group, copies);
        Operations++;
        Log.OffloadDone(_log, be, vnic, group, version, string.Join(", ", copies.Select(c => $"{c.Fe} (vNIC {c.Slot}, ACL set {c.AclSet})")));
        return active;
    }

    private Copy InstallCopy(Card f, Card b, int vnic, VnicEntry entry, int version,
                             List<AclRule> rules, List<RouteEntry> routes, List<MappingEntry> mappings)
    {
        var d = f.Nic.Driver;
        string fe = f.Nic.Name;
        int slot = FreeSlots(f).DefaultIfEmpty(-1).First();
        if (slot < 0) throw new OffloadException($"{fe}: no free vNIC entry for the copy");
        int set = FreeSets(f).DefaultIfEmpty(-1).First();
        if (set < 0) throw new OffloadException($"{fe}: no free ACL set for the copy");
        if (rules.Count > f.Info.AclRules) throw new OffloadException($"{fe}: {rules.Count} ACL rules do not fit ({f.Info.AclRules} per set)");
        var copy = new Copy(fe, slot, set, new List<int>(), new List<(uint, uint)>());
        f.ReservedSets.Add(set);
        try
        {
            for (int i = 0; i < rules.Count; i++) d.WriteAclRule(set, i, rules[i]);
            d.SetAclCount(set, rules.Count);
            f.AclCount[set] = rules.Count;
            f.Acls[set] = rules.ToList();
            foreach (var r in routes)
            {
                if (Array.Exists(f.Routes, x => x == r)) continue;
                if (Array.Exists(f.Routes, x => x.Valid && x.Vni == r.Vni && x.Prefix == r.Prefix && x.PrefixLen == r.PrefixLen))
                    throw new OffloadException($"{fe}: VNI {r.Vni} route {NetFormat.Prefix(r.Prefix, r.PrefixLen)} differs from the BE's");
                int free = Array.FindIndex(f.Routes, x => !x.Valid);
                if (free < 0) throw new OffloadException($"{fe}: no free route entry for VNI {r.Vni} {NetFormat.Prefix(r.Prefix, r.PrefixLen)}");
                d.WriteRoute(free, r);
                f.Routes[free] = r;
                copy.AddedRoutes.Add(free);
            }
            foreach (var m in mappings)
            {
                int have = FindMapping(f, m.Vni, m.Ip);
                if (have >= 0 && f.Maps[have] == m) continue;
                if (have >= 0)
                    throw new OffloadException($"{fe}: VNI {m.Vni} {NetFormat.Ip(m.Ip)} is mapped differently from the BE");
                int at = d.AddMapping(m);
                f.Maps[at] = m;
                copy.AddedMappings.Add((m.Vni, m.Ip));
            }
            var state = new OffloadState(OffloadState.Fe, 0, version, vnic, b.Nic.Vtep);
            WriteChecked(f, slot, state);
            // the copy's vNIC entry: the BE's, with the copy's ACL set; a MODE = FE entry is never a frame's
            // vNIC whatever its ENABLE bit, and it stays disabled so nothing else ever sees it
            var ve = entry with { Enabled = false, AclSet = set };
            d.WriteVnic(slot, ve);
            f.Vnics[slot] = ve;
            // read back
            if (d.ReadVnic(slot) != ve) throw new OffloadException($"{fe}: vNIC {slot} reads back differently");
            if (d.GetAclCount(set) != rules.Count) throw new OffloadException($"{fe}: ACL set {set} count reads back differently");
            for (int i = 0; i < rules.Count; i++)
                if (d.ReadAclRule(set, i) != rules[i]) throw new OffloadException($"{fe}: ACL set {set} rule {i} reads back differently");
            foreach (int ri in copy.AddedRoutes)
                if (d.ReadRoute(ri) != f.Routes[ri]) throw new OffloadException($"{fe}: route {ri} reads back differently");
            foreach (var (vni, ip) in copy.AddedMappings)
            {
                int at = FindMapping(f, vni, ip);
                if (d.ReadMapping(at) != f.Maps[at]) throw new OffloadException($"{fe}: mapping VNI {vni} {NetFormat.Ip(ip)} reads back differently");
            }
            Log.CopyInstalled(_log, fe, slot, set, rules.Count, copy.AddedRoutes.Count, copy.AddedMappings.Count, version);
            return copy;
        }
        catch
        {
            TryRemoveCopy(f, copy);
            throw;
        }
        finally
        {
            f.ReservedSets.Remove(set);
        }
    }

    /// <summary>The slot of (vni, ip) in the card's mapping table (from the shadow), or -1.</summary>
    private static int FindMapping(Card c, uint vni, uint ip) =>
        Array.FindIndex(c.Maps, m => m.Valid && m.Vni == vni && m.Ip == ip);

    private static void WriteChecked(Card c, int vnic, OffloadState s)
    {
        c.Nic.Offload.WriteOffload(vnic, s);
        var back = c.Nic.Offload.ReadOffload(vnic);
        if (back != s) throw new OffloadException($"{c.Nic.Name}: offload entry {vnic} reads back as {back}, wrote {s}");
        c.Offload[vnic] = back;
    }

    // ------------------------------------------------------------------ revert

    /// <summary>Takes an offloaded vNIC home: the BE first (new flows run its own slow path again), then the copies.</summary>
    public void Revert(string be, int vnic, string reason = "")
    {
        if (!_installed.TryGetValue((be, vnic), out var inst)) throw new OffloadException($"{be} vNIC {vnic} is not offloaded");
        var b = Get(be);
        Log.RevertStart(_log, be, vnic, reason);
        // keep the version: the copies are going away, and the next offload counts on from here
        if (DrainCycles > 0)
        {
            WriteChecked(b, vnic, new OffloadState(OffloadState.Drain, inst.Group, inst.Active.Version, 0, 0, inst.Active.Compact));
            if (!WaitCycles(b, DrainCycles)) Log.ClockStopped(_log, be);
        }
        WriteChecked(b, vnic, OffloadState.LocalEntry with { Version = inst.Active.Version });
        b.Nic.Offload.WriteFeGroup(inst.Group, FeGroupState.Empty);
        b.Groups[inst.Group] = FeGroupState.Empty;
        var errors = new List<string>();
        foreach (var c in inst.Copies)
        {
            try { RemoveCopy(Get(c.Fe), c); }
            catch (Exception e) when (e is OffloadException or NicRegisterException) { errors.Add($"{c.Fe}: {e.Message}"); }
        }
        _installed.Remove((be, vnic));
        Operations++;
        if (errors.Count > 0) throw new OffloadException("reverted on the BE, but removing copies failed: " + string.Join("; ", errors));
        Log.RevertDone(_log, be, vnic, inst.Copies.Count);
    }

    /// <summary>Polls the card's cycle counter until <paramref name="cycles"/> have passed on it; false when the
    /// counter stood still for 1000 reads in a row (a card whose clock does not run).</summary>
    private static bool WaitCycles(Card c, long cycles)
    {
        var d = c.Nic.Driver;
        ulong start = d.ReadCycles(), last = start;
        int still = 0;
        while (true)
        {
            ulong now = d.ReadCycles();
            if ((long)(now - start) >= cycles) return true;
            still = now == last ? still + 1 : 0;
            if (still >= 1000) return false;
            last = now;
        }
    }

    private static void RemoveCopy(Card f, Copy c)
    {
        var d = f.Nic.Driver;
        WriteChecked(f, c.Slot, OffloadState.LocalEntry with { Version = f.Offload[c.Slot].Version });
        var off = new VnicEntry(false, 0, 0, 0, 0, 0);
        d.WriteVnic(c.Slot, off);
        f.Vnics[c.Slot] = off;
        d.SetAclCount(c.AclSet, 0);
        f.AclCount[c.AclSet] = 0;
        f.Acls[c.AclSet] = new List<AclRule>();
        foreach (int r in c.AddedRoutes)
        {
            var none = new RouteEntry(false, 0, 0, 0, RouteType.Drop, 0);
            d.WriteRoute(r, none);
            f.Routes[r] = none;
        }
        foreach (var (vni, ip) in c.AddedMappings)
        {
            int at = FindMapping(f, vni, ip);
            d.RemoveMapping(vni, ip);
            if (at >= 0) f.Maps[at] = new MappingEntry(false, 0, 0, 0, 0);
        }
    }

    private static void TryRemoveCopy(Card f, Copy c)
    {
        try { RemoveCopy(f, c); } catch (Exception e) when (e is OffloadException or NicRegisterException) { }
    }

    private void TryUndo(Card b, int vnic, int group, List<Copy> copies)
    {
        try
        {
            if (b.Offload[vnic].Mode != OffloadState.Local) WriteChecked(b, vnic, OffloadState.LocalEntry with { Version = b.Offload[vnic].Version });
            b.Nic.Offload.WriteFeGroup(group, FeGroupState.Empty);
            b.Groups[group] = FeGroupState.Empty;
        }
        catch (Exception e) when (e is OffloadException or NicRegisterException) { }
        foreach (var c in copies) TryRemoveCopy(Get(c.Fe), c);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 101, Level = LogLevel.Information,
            Message = "offload {Be} vNIC {Vnic} -> [{Fes}] as version {Version} ({Rules} ACL rules, {Routes} routes, {Mappings} mappings): {Reason}")]
        public static partial void OffloadStart(ILogger l, string be, int vnic, string fes, int version, int rules, int routes, int mappings, string reason);

        [LoggerMessage(EventId = 102, Level = LogLevel.Debug,
            Message = "{Fe}: copy in vNIC {Slot}, ACL set {Set} ({Rules} rules), {Routes} routes and {Mappings} mappings added, version {Version}; read back OK")]
        public static partial void CopyInstalled(ILogger l, string fe, int slot, int set, int rules, int routes, int mappings, int version);

        [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "{Be} vNIC {Vnic} offloaded: group {Group}, version {Version}, copies {Copies}")]
        public static partial void OffloadDone(ILogger l, string be, int vnic, int group, int version, string copies);

        [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "offload of {Be} vNIC {Vnic} failed, undone: {Why}")]
        public static partial void OffloadFailed(ILogger l, string be, int vnic, string why);

        [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "revert {Be} vNIC {Vnic}: {Reason}")]
        public static partial void RevertStart(ILogger l, string be, int vnic, string reason);

        [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "{Be}: its cycle counter does not advance; DRAIN ended without waiting")]
        public static partial void ClockStopped(ILogger l, string be);

        [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "{Be} vNIC {Vnic} is local again; {Copies} FE copies removed")]
        public static partial void RevertDone(ILogger l, string be, int vnic, int copies);
    }
}
