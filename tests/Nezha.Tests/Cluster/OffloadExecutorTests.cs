using Nezha.Driver;
using Nezha.Driver.Offload;
using Nezha.Common.Registers;
using Nezha.Tests.Driver;
using NUnit.Framework;
using static Nezha.Verify.Testbench.FrameBuilder;

namespace Nezha.Tests.Cluster;

/// <summary>
/// The controller's executor on in-memory cards: the order of the steps of docs/nezha-offload.md section 7,
/// the read-back, the allocation of copy slots, and the undo when a card refuses a step.
/// </summary>
[TestFixture]
public class OffloadExecutorTests
{
    /// <summary>Every register write of every card and every offload-register access, in one global order.</summary>
    private readonly List<string> _trace = new();

    private sealed class Logged(string name, FakeCard card, List<string> trace) : IRegisterTransport
    {
        public RegResp Write32(uint addr, uint data)
        {
            var r = card.Write32(addr, data);
            string what = (addr & 0xFF00) switch
            {
                NezhaRegs.VNIC_TABLE_BASE => "vnic", NezhaRegs.ACL_TABLE_BASE => "acl", NezhaRegs.ROUTE_TABLE_BASE => "route",
                NezhaRegs.MAP_TABLE_BASE => "map", _ => "reg",
            };
            if ((addr & 0xFF) == NezhaRegs.TBL_CMD && data == 1) trace.Add($"{name}:{what}[{card.Log.LastOrDefault(a => a.Write && (a.Addr & 0xFF) == NezhaRegs.TBL_INDEX && (a.Addr & 0xFF00) == (addr & 0xFF00))?.Data}]");
            if (addr == NezhaRegs.ACL_TABLE_SET_COUNT) trace.Add($"{name}:aclcount={data}");
            return r;
        }

        public RegResp Read32(uint addr, out uint data) => card.Read32(addr, out data);
    }

    private sealed class FakeOffload(string name, List<string> trace, int nVnic) : IOffloadCard
    {
        public OffloadState[] Entries = Enumerable.Repeat(OffloadState.LocalEntry, nVnic).ToArray();
        public FeGroupState[] Grp = Enumerable.Repeat(FeGroupState.Empty, 4).ToArray();
        public int Reads;
        public Func<int, OffloadState, bool>? Refuse;
        public int Groups => 4;
        public OffloadState ReadOffload(int vnic) { Reads++; return Entries[vnic]; }
        public void WriteOffload(int vnic, OffloadState e)
        {
            if (Refuse?.Invoke(vnic, e) == true) throw new NicRegisterException(0x0A10, 1, true, TableStatus.BadValue);
            trace.Add($"{name}:offload[{vnic}]={(e.Mode switch { 0 => "LOCAL", 1 => "BE", 2 => "FE", _ => "DRAIN" })} v{e.Version}");
            Entries[vnic] = e;
        }
        public FeGroupState ReadFeGroup(int group) => Grp[group];
        public void WriteFeGroup(int group, FeGroupState g)
        {
            trace.Add($"{name}:group[{group}]={g.Members.Count}");
            Grp[group] = g;
        }
        public void SetLiveness(int i, int t) => trace.Add($"{name}:liveness {i}/{t}");
    }

    private readonly Dictionary<string, (FakeCard Card, NicDriver Driver, FakeOffload Off)> _cards = new();

    private ManagedNic Card(string name, int index)
    {
        var card = new FakeCard(FakeCard.W64);
        var d = new NicDriver(new Logged(name, card, _trace));
        d.Discover();
        var off = new FakeOffload(name, _trace, 16);
        _cards[name] = (card, d, off);
        return new ManagedNic(name, d, Ip("192.168.0.1") + (uint)index, off);
    }

    private OffloadExecutor Setup(int fes, out List<AclRule> rules)
    {
        var x = new OffloadExecutor(Cards(fes, out rules));
        x.Attach();
        _trace.Clear();
        return x;
    }

    /// <summary>The BE (vNIC 5 on ACL set 2, VPC routes and mappings) and <paramref name="fes"/> FEs (vNIC 0 each).</summary>
    private List<ManagedNic> Cards(int fes, out List<AclRule> rules)
    {
        var nics = new List<ManagedNic> { Card("be", 0) };
        for (int i = 1; i <= fes; i++) nics.Add(Card($"fe{i}", i));
        var be = _cards["be"].Driver;
        rules = Enumerable.Range(0, 20).Select(i => new AclRule(true, AclDirection.Ingress, i == 19, 6, 0, 0, 0, 0, 0, 65535, (ushort)i, (ushort)i)).ToList();
        for (int i = 0; i < rules.Count; i++) be.WriteAclRule(2, i, rules[i]);
        be.SetAclCount(2, rules.Count);
        be.WriteRoute(0, new RouteEntry(true, 100, Ip("10.1.0.0"), 16, RouteType.Mapped, 0));
        be.WriteRoute(1, new RouteEntry(true, 300, 0, 0, RouteType.Vtep, Ip("192.168.9.9")));
        be.AddMapping(new MappingEntry(true, 100, Ip("10.1.0.10"), Ip("192.168.0.1"), Mac("02:64:00:00:00:0a")));
        be.AddMapping(new MappingEntry(true, 100, Ip("10.1.0.20"), Ip("192.168.0.7"), Mac("02:64:00:00:00:14")));
        be.WriteVnic(5, new VnicEntry(true, 100, Mac("02:64:00:00:00:0a"), Ip("10.1.0.10"), Ip("10.1.0.1"), 2));
        // each FE: its own vNIC 0 on ACL set 0, and (fe1) the same VPC route already present
        for (int i = 1; i <= fes; i++)
        {
            var d = _cards[$"fe{i}"].Driver;
            d.WriteVnic(0, new VnicEntry(true, 200, Mac("02:c8:00:00:00:0a") + (ulong)i, Ip("10.2.0.10"), Ip("10.2.0.1"), 0));
            d.SetAclCount(0, 1);
            if (i == 1) d.WriteRoute(3, new RouteEntry(true, 100, Ip("10.1.0.0"), 16, RouteType.Mapped, 0));
        }
        return nics;
    }

    [SetUp]
    public void Clear()
    {
        _trace.Clear();
        _cards.Clear();
    }

    [Test]
    public void OffloadInstallsEveryCopyFirstThenTheGroupThenTheBeEntry()
    {
        var x = Setup(2, out var rules);
        var a = x.Offload("be", 5, ["fe1", "fe2"], "test");
        TestContext.Out.WriteLine(string.Join("\n", _trace));
        Assert.That(a.Version, Is.EqualTo(1));
        Assert.That(a.Fes, Is.EqualTo(new[] { ("fe1", 1), ("fe2", 1) }), "first free vNIC entry on each FE (0 is in use)");

        int group = _trace.IndexOf("be:group[0]=2"), beEntry = _trace.IndexOf("be:offload[5]=BE v1");
        Assert.That(group, Is.GreaterThan(0));
        Assert.That(beEntry, Is.GreaterThan(group), "the BE entry is the last write");
        Assert.That(_trace.FindLastIndex(t => t.StartsWith("fe", StringComparison.Ordinal)), Is.LessThan(group), "every FE write comes before the BE's");
        Assert.That(_trace.Count(t => t.StartsWith("be:", StringComparison.Ordinal)), Is.EqualTo(2));

        foreach (string fe in new[] { "fe1", "fe2" })
        {
            var (card, d, off) = _cards[fe];
            Assert.That(off.Entries[1], Is.EqualTo(new OffloadState(OffloadState.Fe, 0, 1, 5, Ip("192.168.0.1"))));
            var v = d.ReadVnic(1);
            Assert.That(v with { AclSet = 0 }, Is.EqualTo(new VnicEntry(false, 100, Mac("02:64:00:00:00:0a"), Ip("10.1.0.10"), Ip("10.1.0.1"), 0)));
            Assert.That(v.AclSet, Is.EqualTo(1), "the first ACL set no enabled vNIC uses");
            Assert.That(d.GetAclCount(1), Is.EqualTo(20));
            Assert.That(Enumerable.Range(0, 20).Select(i => d.ReadAclRule(1, i)), Is.EqualTo(rules));
            // the offload entry is written before the vNIC entry of the copy
            Assert.That(_trace.IndexOf($"{fe}:offload[1]=FE v1"), Is.LessThan(_trace.IndexOf($"{fe}:vnic[1]")));
        }
        // routes: fe1 already had the VNI 100 route (nothing to add), fe2 gets it; the VNI 300 route is not copied
        Assert.That(_trace.Count(t => t == "fe1:route[0]"), Is.Zero);
        Assert.That(_trace.Count(t => t.StartsWith("fe2:route", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(_trace.Count(t => t.StartsWith("fe1:map", StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(x.Free("fe1"), Is.EqualTo((14, 2)));
        Assert.That(x.Copies("fe2"), Is.EquivalentTo(new[] { 1 }));
        Assert.That(x.SampledVnics("fe2"), Is.EquivalentTo(new[] { 0, 1 }));
    }

    [TestCase(1000ul, false)]
    [TestCase(3000ul, true)]
    public void TheControllerOffloadsInTheModeTheDeciderChose(ulong sessions, bool compact)
    {
        var ctl = new OffloadController(Cards(2, out _), new OffloadPolicy(SampleCycles: 100_000, HoldPeriods: 2));
        var be = _cards["be"].Card;
        IReadOnlyList<DecisionRecord> got = [];
        for (uint p = 0; p <= 2; p++)   // the first poll only takes the counters; two periods at 80%
        {
            be.Poke(NezhaRegs.CORE_CYCLES_LO, p * 100_000);
            be.VnicCounters[5] = [0, 0, 0, 0, p * 500UL, p * 80_000UL];
            be.Counters[(int)StatIndex.SessOccupancy] = sessions;   // 24% or 73% of the 4096 words: below occupancyAbove
            got = ctl.Poll();
        }
        var r = got.Single();
        TestContext.Out.WriteLine(r.Decision.Reason);
        Assert.That(ctl.LastSample!.Single(l => l.Nic == "be").SessionWords, Is.EqualTo(FakeCard.W64.SessionEntries));
        Assert.That(r.Done, Is.True, r.Error);
        Assert.That(r.Decision.Compact, Is.EqualTo(compact));
        Assert.That(_cards["be"].Off.Entries[5].Compact, Is.EqualTo(compact), "the BE's offload entry");
        Assert.That(ctl.Decider.Active.Single().Compact, Is.EqualTo(compact));
    }

    [Test]
    public void RevertSwitchesTheBeFirstAndRemovesOnlyWhatTheCopyAdded()
    {
        var x = Setup(2, out _);
        x.Offload("be", 5, ["fe1", "fe2"]);
        _trace.Clear();
        x.Revert("be", 5, "test");
        TestContext.Out.WriteLine(string.Join("\n", _trace));
        Assert.That(_trace[0], Is.EqualTo("be:offload[5]=DRAIN v1"), "the BE stops redirecting first (the version stays)");
        Assert.That(_trace[1], Is.EqualTo("be:offload[5]=LOCAL v1"), "then, after the drain, it is local");
        Assert.That(_trace[2], Is.EqualTo("be:group[0]=0"));
        Assert.That(_trace.Skip(3), Has.All.StartsWith("fe"));
        foreach (string fe in new[] { "fe1", "fe2" })
        {
            var (_, d, off) = _cards[fe];
            Assert.That(off.Entries[1].Mode, Is.EqualTo(OffloadState.Local));
            Assert.That(d.ReadVnic(1).Enabled, Is.False);
            Assert.That(d.GetAclCount(1), Is.Zero);
            Assert.That(d.ReadVnic(0).Enabled, Is.True, "the FE's own vNIC is untouched");
        }
        Assert.That(_cards["fe1"].Driver.ReadRoute(3).Valid, Is.True, "a route the FE had before stays");
        Assert.That(_cards["fe2"].Driver.ReadRoute(0).Valid, Is.False, "a route the copy added goes");
        // a second offload uses version 2
        var again = x.Offload("be", 5, ["fe2"]);
        Assert.That(again.Version, Is.EqualTo(2));
        Assert.That(_cards["be"].Off.Entries[5], Is.EqualTo(new OffloadState(OffloadState.Be, 0, 2, 0, 0)));
    }

    [Test]
    public void ARefusedStepUndoesEverythingAndTheBeStaysLocal()
    {
        var x = Setup(2, out _);
        _cards["fe2"].Off.Refuse = (_, e) => e.Mode == OffloadState.Fe;
        var e = Assert.Throws<OffloadException>(() => x.Offload("be", 5, ["fe1", "fe2"]))!;
        TestContext.Out.WriteLine(e.Message + "\n" + string.Join("\n", _trace));
        Assert.That(_trace.Any(t => t.StartsWith("be:", StringComparison.Ordinal) && t.Contains("=BE")), Is.False, "the BE was never switched");
        Assert.That(_cards["fe1"].Off.Entries[1].Mode, Is.EqualTo(OffloadState.Local), "fe1's copy was removed");
        Assert.That(_cards["fe1"].Driver.ReadVnic(1).Enabled, Is.False);
        Assert.That(_cards["fe1"].Driver.GetAclCount(1), Is.Zero);
        Assert.That(x.Active, Is.Empty);
        Assert.That(x.Free("fe1"), Is.EqualTo((15, 3)));
        // and it works once the card accepts
        _cards["fe2"].Off.Refuse = null;
        Assert.That(x.Offload("be", 5, ["fe1", "fe2"]).Fes, Has.Count.EqualTo(2));
    }

    [Test]
    public void AReadBackThatDiffersIsAnError()
    {
        Setup(1, out _);
        // fe1 silently keeps only 16 bits of BE_VTEP
        var bad = new CorruptingOffload(_cards["fe1"].Off);
        var nics = new[] { new ManagedNic("be", _cards["be"].Driver, Ip("192.168.0.1"), _cards["be"].Off),
                           new ManagedNic("fe1", _cards["fe1"].Driver, Ip("192.168.0.2"), bad) };
        var y = new OffloadExecutor(nics);
        y.Attach();
        var e = Assert.Throws<OffloadException>(() => y.Offload("be", 5, ["fe1"]))!;
        Assert.That(e.Message, Does.Contain("reads back"));
        Assert.That(_cards["be"].Off.Entries[5].Mode, Is.EqualTo(OffloadState.Local));
    }

    private sealed class CorruptingOffload(IOffloadCard inner) : IOffloadCard
    {
        public int Groups => inner.Groups;
        public OffloadState ReadOffload(int vnic) { var e = inner.ReadOffload(vnic); return e with { BeVtep = e.BeVtep & 0xFFFF }; }
        public void WriteOffload(int vnic, OffloadState e) => inner.WriteOffload(vnic, e);
        public FeGroupState ReadFeGroup(int group) => inner.ReadFeGroup(group);
        public void WriteFeGroup(int group, FeGroupState g) => inner.WriteFeGroup(group, g);
        public void SetLiveness(int i, int t) => inner.SetLiveness(i, t);
    }

    [Test]
    public void NoRoomOnAnFeIsAnError()
    {
        var x = Setup(1, out _);
        var d = _cards["fe1"].Driver;
        x = new OffloadExecutor([new ManagedNic("be", _cards["be"].Driver, Ip("192.168.0.1"), _cards["be"].Off),
                                 new ManagedNic("fe1", d, Ip("192.168.0.2"), _cards["fe1"].Off)]);
        for (int s = 0; s < 4; s++) d.SetAclCount(s, 1);   // every ACL set in use
        x.Attach();
        Assert.That(x.Free("fe1").AclSets, Is.Zero);
        var e = Assert.Throws<OffloadException>(() => x.Offload("be", 5, ["fe1"]))!;
        Assert.That(e.Message, Does.Contain("no free ACL set"));
        Assert.Throws<OffloadException>(() => x.Revert("be", 5));
        Assert.Throws<ArgumentException>(() => x.Offload("be", 5, ["be"]));
    }
}
