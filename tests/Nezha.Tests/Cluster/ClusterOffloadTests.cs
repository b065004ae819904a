using Nezha.Driver.Offload;
using Nezha.Common.Registers;
using Nezha.Verify.Cluster;
using NUnit.Framework;

namespace Nezha.Tests.Cluster;

/// <summary>
/// The offload on small clusters (1 BE + 2 or 3 FEs, w64), every NIC checked against its own golden model:
/// offload and revert in the middle of traffic, an FE failure, and a constrained-random run of connections,
/// offloads, reverts and an FE kill. The offload is always installed through the controller's executor.
/// </summary>
[TestFixture]
public class ClusterOffloadTests
{
    private static readonly Lazy<bool> Supported = new(() => ClusterOffload.Supported(new ClusterOptions()));

    // The offload is part of every build: a simulator without its registers is a regression, not a reason to skip.
    [SetUp]
    public void RequireOffload() =>
        Assert.That(Supported.Value, Is.True, "the simulator build has no offload registers (docs/nezha-offload.md section 6)");

    private static long Stat(ClusterNic n, int index) => (long)n.Driver.ReadStat((StatIndex)index);

    /// <summary>Keeps opening short connections every <paramref name="every"/> cycles in [from, to).</summary>
    private static List<TcpClientConn> Arrivals(NezhaCluster nc, ulong from, ulong to, ulong every)
    {
        var list = new List<TcpClientConn>();
        for (ulong t = from; t < to; t += every) nc.C.At(t, now => list.Add(nc.Open(now, false)));
        return list;
    }

    private static void DataEvery(NezhaCluster nc, IReadOnlyList<TcpClientConn> longs, ulong every, ulong until)
    {
        for (int i = 0; i < longs.Count; i++)
        {
            var c = longs[i];
            var host = nc.Endpoint(c.Id).Host;
            void Send(ulong t)
            {
                host.SendData(c, t);
                if (t + every < until) nc.C.At(t + every, Send);
            }
            nc.C.At(nc.C.Now + (ulong)i * 37, Send);
        }
    }

    private static List<TcpClientConn> Longs(NezhaCluster nc, int n)
    {
        var longs = new List<TcpClientConn>();
        for (int i = 0; i < n; i++) longs.Add(nc.Open(nc.C.Now + (ulong)i * 40, true));
        Assert.That(nc.C.RunWhile(() => longs.Any(c => c.State != ClientState.Open), 200_000), Is.True, "long connections established");
        return longs;
    }

    /// <param name="compact">the BE keeps compact entries for the flows offloaded (docs/nezha-offload.md section 8);
    /// after the revert their packets from the VM still find their actions in the BE's own tables</param>
    [TestCase(false)]
    [TestCase(true)]
    public void OffloadAndRevertMidTrafficBreakNoConnection(bool compact)
    {
        using var nc = new NezhaCluster(ClusterRunTests.Small(fes: 2));
        ClusterOffload.Controller(nc);                   // attaches to the cards (reads their tables) before the run
        nc.StartBackground(0);
        var before = Longs(nc, 6);                       // established before the offload: never touch an FE
        ulong t0 = nc.C.Now;
        var shorts = Arrivals(nc, t0, t0 + 60_000, 700);
        DataEvery(nc, before, 3000, t0 + 60_000);
        List<TcpClientConn> during = new();
        nc.C.AtBarrier(t0 + 10_000, _ => ClusterOffload.InstallNow(nc, 2, compact));
        nc.C.At(t0 + 20_000, t => { for (int i = 0; i < 4; i++) during.Add(nc.Open(t + (ulong)i * 50, true)); });
        nc.C.At(t0 + 30_000, _ => DataEvery(nc, during, 3000, t0 + 60_000));
        nc.C.AtBarrier(t0 + 40_000, _ => ClusterOffload.RevertNow(nc));
        nc.C.RunUntil(t0 + 60_000 + (ulong)nc.O.Clock.Cycles(nc.O.RtoUs) * 2);

        TestContext.Out.WriteLine($"short {shorts.Count}, done {shorts.Count(c => c.State == ClientState.Done)}, SYN retransmits {nc.Stats.SynRetransmits}, " +
                                  $"established retransmits {nc.Stats.EstablishedRetransmits}, redirects {Stat(nc.Be, 48)}, verdicts rx {Stat(nc.Be, 50)}, late pushes {nc.C.LatePushes}");
        Assert.That(shorts.Select(c => c.State), Is.All.EqualTo(ClientState.Done), "every short connection completed");
        Assert.That(before.Concat(during).Select(c => c.DataAcked == c.DataSent && c.State == ClientState.Open), Is.All.True);
        Assert.That(nc.Stats.EstablishedRetransmits, Is.Zero, "no packet of an established connection was lost");
        Assert.That(Stat(nc.Be, 48), Is.GreaterThan(0), "new flows were redirected while offloaded");
        Assert.That(Stat(nc.Be, 50), Is.EqualTo(Stat(nc.Fes[0], 49) + Stat(nc.Fes[1], 49)), "every verdict the FEs sent was accepted");
        Assert.That(nc.Controller!.Executor.Active, Is.Empty);
        if (compact)
        {
            var be = nc.Be.Bench!;
            int n = Enumerable.Range(0, be.Params.SessSlots).Count(i => be.Model.Session(i) is { Valid: true, Compact: true });
            TestContext.Out.WriteLine($"compact entries on the BE at the end: {n}");
            Assert.That(n, Is.GreaterThan(0), "the offloaded flows were kept as compact entries");
        }
        ClusterRunTests.AssertModelsAgree(nc);
    }

    /// <summary>
    /// The controller alone, polling the cards through their drivers, sees the BE's slow path overloaded by the heavy
    /// vNIC's new connections, offloads it to the two idle FEs, and reverts it once the load is low again; no
    /// connection fails and every NIC agrees with its model throughout.
    /// </summary>
    [Test]
    public void TheControllerOffloadsAnOverloadedBackEndAndRevertsOnItsOwn()
    {
        var o = ClusterRunTests.Small(fes: 2) with { AclRules = 256 };
        // the BE's slow path alone decides a new inbound connection in rules + 4 cycles (the admitting rule is last)
        double slowPathCps = o.ClockMhz * 1e6 / (o.AclRules + 4);
        var run = new ControllerRun
        {
            Policy = new OffloadPolicy(SampleCycles: 5_000, OffloadAbove: 0.6, RevertBelow: 0.3, HoldPeriods: 2, MaxFes: 2, FeMaxUtil: 0.5),
            LowLoad = 0.1, HighLoad = 0.85, LowUs = 60, HighUs = 450, TailUs = 200,
        };
        long redirects = 0, verdictsRx = 0, verdictsTx = 0;
        var r = ClusterScenarios.ControllerEndToEnd(o, 2, slowPathCps, run, atEnd: nc =>
        {
            redirects = Stat(nc.Be, 48);
            verdictsRx = Stat(nc.Be, 50);
            verdictsTx = nc.Fes.Sum(f => Stat(f, 49));
            Assert.That(nc.Controller!.Executor.Active, Is.Empty, "nothing left offloaded");
            Assert.That(nc.Be.Driver.ReadOffload(NezhaCluster.HeavyVnic).Mode, Is.EqualTo(OffloadMode.Local));
            ClusterRunTests.AssertModelsAgree(nc);
        });
        foreach (var e in r.Events) TestContext.Out.WriteLine($"  {e.TimeUs:0} µs {e.Kind}{(e.Done ? "" : " (failed)")}: {e.Reason}");
        foreach (var p in r.Phases) TestContext.Out.WriteLine($"  {p.Name}: {p.StartUs:0}..{p.EndUs:0} µs, offered {p.OfferedCps:N0}/s, carried {p.Cps:N0}/s, BE {p.MeanBeUtil:P1}");
        TestContext.Out.WriteLine(string.Join(" ", r.Timeline.Select(x => $"{x.TimeUs:0}:{x.BeUtil:0.00}/{x.FeUtilMax:0.00}")));
        TestContext.Out.WriteLine($"completed {r.Completed}, SYN retransmits {r.SynRetransmits}, redirects {redirects}, verdicts {verdictsTx} sent / {verdictsRx} accepted");

        Assert.That(r.OffloadedAndReverted, Is.True, "exactly one offload and one revert");
        var off = r.Events.Single(e => e.Kind == "Offload");
        var rev = r.Events.Single(e => e.Kind == "Revert");
        Assert.That(off.Reason, Does.Contain("offloadAbove"), "the slow-path trigger decided the offload");
        Assert.That(off.Fes, Is.EquivalentTo(new[] { "fe1", "fe2" }));
        Assert.That(off.TimeUs, Is.InRange(r.Phases[1].StartUs, r.Phases[1].EndUs), "offloaded during the overload");
        Assert.That(rev.TimeUs, Is.InRange(r.Phases[2].StartUs, r.Phases[2].EndUs), "reverted after it");
        Assert.That(r.Events.Where(e => e.Kind is "Offload" or "Revert").Select(e => e.Done), Is.All.True);
        Assert.That(r.Failed, Is.Zero, "no connection failed");
        // installing copies the 256-rule ACL to both FEs under traffic (about 240 µs); after it the FEs carry the rule scans
        var offloaded = r.Timeline.Where(x => x.TimeUs > off.TimeUs && x.TimeUs <= r.Phases[1].EndUs).ToList();
        Assert.That(offloaded.Any(x => x.BeUtil < 0.05 && x.FeUtilMax > 0.3), Is.True, "the FEs took over the BE's slow-path work");
        Assert.That(redirects, Is.GreaterThan(50), "new flows were decided by the FEs while offloaded");
        Assert.That(verdictsRx, Is.EqualTo(verdictsTx), "every verdict the FEs sent was accepted (DRAIN covers those on their way at the revert)");
    }

    /// <summary>
    /// The controller alone sees the BE's session table fill up with long-lived connections (its slow-path trigger
    /// is off: offloadAbove 1.0) and offloads the heavy vNIC with compact entries; the flows established before
    /// keep their full entries and their packets, the flows after it get compact entries, and every NIC agrees
    /// with its model throughout.
    /// </summary>
    [Test]
    public void TheControllerOffloadsAFillingSessionTableWithCompactEntries()
    {
        var policy = new OffloadPolicy(SampleCycles: 10_000, OffloadAbove: 1.0, RevertBelow: 0.3, HoldPeriods: 2, MaxFes: 2,
                                       OccupancyAbove: 0.2, OccupancyRevertBelow: 0.1);
        int words = 0, full = 0, compact = 0;
        int oldest = -1, newest = -1;
        var r = ClusterScenarios.MemoryTriggered(ClusterRunTests.Small(fes: 2), 2, 32, policy, stopAtFlows: 2400, atEnd: (nc, conns) =>
        {
            words = nc.Be.Info.SessionEntries;
            Assert.That(nc.Controller!.Executor.Active, Has.Count.EqualTo(1));
            Assert.That(nc.Be.Driver.ReadOffload(NezhaCluster.HeavyVnic).Compact, Is.True, "the BE's offload entry has COMPACT");
            // the connections both sides of the offload still carry data
            var open = conns.Where(c => c.State == ClientState.Open).ToList();
            var sample = open.Take(12).Concat(open.Skip(open.Count - 12)).ToList();
            ulong t = nc.C.Now;
            for (int i = 0; i < sample.Count; i++) nc.Endpoint(sample[i].Id).Host.SendData(sample[i], t + (ulong)i * 50);
            nc.C.Run(30_000);
            Assert.That(sample.Select(c => c.DataAcked == c.DataSent && c.DataSent == 1), Is.All.True, "data acknowledged on old and new flows");
            var be = nc.Be.Bench!;
            for (int i = 0; i < be.Params.SessSlots; i++)
                if (be.Model.Session(i) is { Valid: true } e)
                {
                    if (e.Compact) compact++;
                    else full++;
                }
            oldest = conns.ToList().IndexOf(sample[0]);
            newest = conns.ToList().IndexOf(sample[^1]);
            ClusterRunTests.AssertModelsAgree(nc);
        });
        TestContext.Out.WriteLine($"offload decided at {r.OffloadUs:0} µs, installed at {r.OffloadDoneUs:0} µs, with {r.FlowsAtOffload} sessions ({r.SessionLoadAtOffload:P1} of {words} words); " +
                                  $"stopped at {r.Flows} sessions: {full} full and {compact} compact entries on the BE");
        foreach (var e in r.Events) TestContext.Out.WriteLine($"  {e.TimeUs:0} µs {e.Kind}: {e.Reason}");
        Assert.That(r.OffloadedCompact, Is.True, "exactly one offload, with compact entries");
        Assert.That(r.Events.Where(e => e.Kind == "Offload").Single().Reason, Does.Contain("occupancyAbove"), "the memory trigger decided it");
        Assert.That(r.SessionLoadAtOffload, Is.GreaterThan(policy.OccupancyAbove));
        Assert.That(r.Events.Any(e => e.Kind == "Revert"), Is.False, "no revert while the table stays full");
        Assert.That(full, Is.GreaterThanOrEqualTo(r.FlowsAtOffload), "the flows from before the offload kept their full entries");
        Assert.That(full, Is.LessThan(r.FlowsAtOffload + (r.Flows - r.FlowsAtOffload) / 2), "most flows after the decision got compact entries");
        Assert.That(r.EstablishedRetransmits + r.Failed, Is.Zero, "no connection lost a packet");
        Assert.That(oldest, Is.LessThan(r.FlowsAtOffload), "the data checked flows opened before the offload");
        Assert.That(newest, Is.GreaterThan(r.FlowsAtOffload + 2 * 32), "... and after it");
    }

    [Test]
    public void AnFeFailureLosesNoEstablishedConnectionAndItsShareMoves()
    {
        var o = ClusterRunTests.Small(fes: 3) with { ProbeIntervalTicks = 2, ProbeTimeoutTicks = 6, TickUs = 4 };
        using var nc = new NezhaCluster(o);
        nc.StartBackground(0);
        ClusterOffload.InstallNow(nc, 3);
        var longs = Longs(nc, 8);                        // established through the detour, some via fe1
        ulong t0 = nc.C.Now;
        ulong end = t0 + 80_000;
        var shorts = Arrivals(nc, t0, end, 600);
        DataEvery(nc, longs, 2500, end);
        nc.C.AtBarrier(t0 + 15_000, _ => nc.C.Kill(nc.Fes[0]));
        nc.C.RunUntil(end + (ulong)o.Clock.Cycles(o.RtoUs) * 3);

        var after = shorts.Where(c => c.OpenedAt > t0 + 15_000 + (ulong)(o.ProbeTimeoutTicks + 2 * o.ProbeIntervalTicks) * (ulong)o.TickCycles).ToList();
        TestContext.Out.WriteLine($"short {shorts.Count}, SYN retransmits {nc.Stats.SynRetransmits}, lost REQUESTs {nc.C.Fabric.Stats.DroppedRequests}, " +
                                  $"FE_DOWN {Stat(nc.Be, 55)}, fallback {Stat(nc.Be, 51)}");
        Assert.That(Stat(nc.Be, 55), Is.EqualTo(1), "the BE declared exactly the dead FE down");
        Assert.That(longs.Select(c => c.DataAcked == c.DataSent), Is.All.True);
        Assert.That(nc.Stats.EstablishedRetransmits, Is.Zero, "established connections never lost a packet");
        Assert.That(shorts.Select(c => c.State), Is.All.EqualTo(ClientState.Done), "every connection completed (some after a SYN retransmit)");
        Assert.That(after.Where(c => Wire.PrimaryFe(c.Hash, 3) == 0).Select(c => c.SynRetransmits), Is.All.Zero,
                    "after detection the dead FE's share goes to the survivors at once");
        Assert.That(after.Count(c => Wire.PrimaryFe(c.Hash, 3) == 0), Is.GreaterThan(0));
        foreach (var n in nc.Nics.Where(n => !n.Dead))
        {
            n.Bench!.CompareCounters();
            n.Bench.AssertClean();
        }
    }

    /// <summary>
    /// Random connections (short and long, random client addresses), random offloads to a random subset of FEs,
    /// reverts, and at most one FE kill, with random backpressure on every NIC; every NIC checked against its
    /// model. NEZHA_CLUSTER_EVENTS overrides the number of events (default sized for about a minute),
    /// NEZHA_CLUSTER_SEED the seed (printed by every run).
    /// </summary>
    [Test]
    public void ConstrainedRandomClusterRunMatchesTheModels()
    {
        int events = int.TryParse(Environment.GetEnvironmentVariable("NEZHA_CLUSTER_EVENTS"), out var e) ? e : 600;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("NEZHA_CLUSTER_SEED"), out var s) ? s : TestContext.CurrentContext.Random.Next();
        var rnd = new Random(seed);
        int fes = 2 + rnd.Next(2);
        var o = ClusterRunTests.Small(fes) with
        {
            AclRules = 4 + rnd.Next(60), ClientHosts = 1 + rnd.Next(3), ClientVmsPerHost = 1 + rnd.Next(8),
            LatencyCycles = (ulong)(100 + rnd.Next(400)), ProbeIntervalTicks = 2, ProbeTimeoutTicks = 6, TickUs = 4,
            Seed = (ulong)seed,
        };
        o = o with { VmDelayCycles = o.LatencyCycles + (ulong)rnd.Next(200) };
        TestContext.Out.WriteLine($"seed {seed}: {fes} FEs, {o.AclRules} rules, latency {o.LatencyCycles}, {events} events");
        using var nc = new NezhaCluster(o);
        foreach (var n in nc.Nics)
            n.Sim.SetBackpressure(0, 0.7 + 0.3 * rnd.NextDouble(), (ulong)rnd.Next());
        ClusterOffload.Controller(nc);
        nc.StartBackground(0);
        var longs = new List<TcpClientConn>();
        var shorts = new List<TcpClientConn>();
        bool killed = false;
        int offloads = 0, reverts = 0;
        ulong t = 0;
        for (int i = 0; i < events; i++)
        {
            t += (ulong)rnd.Next(50, 600);
            int k = rnd.Next(100);
            if (k < 70) nc.C.At(t, now => shorts.Add(nc.Open(now, false)));
            else if (k < 80) nc.C.At(t, now => longs.Add(nc.Open(now, true)));
            else if (k < 92) nc.C.At(t, now => { foreach (var c in longs.Where(c => c.State == ClientState.Open)) nc.Endpoint(c.Id).Host.SendData(c, now); });
            else if (k < 99)
                nc.C.AtBarrier(t, _ =>
                {
                    if (nc.Controller?.Executor.Active.Count > 0) { ClusterOffload.RevertNow(nc); reverts++; }
                    else
                    {
                        var pick = nc.Fes.Where(f => !f.Dead).OrderBy(_ => rnd.Next()).Take(1 + rnd.Next(fes)).Select(f => f.Name).ToList();
                        ClusterOffload.Controller(nc).OffloadNow(nc.Be.Name, NezhaCluster.HeavyVnic, pick, "random", compact: rnd.Next(2) == 0);
                        offloads++;
                    }
                });
            else if (!killed && fes > 2)
            {
                killed = true;
                nc.C.AtBarrier(t, _ => nc.C.Kill(nc.Fes[rnd.Next(fes)]));
            }
        }
        nc.C.RunUntil(t + (ulong)o.Clock.Cycles(o.RtoUs) * 4);
        // a last round of data on every long connection
        nc.C.At(nc.C.Now, now => { foreach (var c in longs.Where(c => c.State == ClientState.Open)) nc.Endpoint(c.Id).Host.SendData(c, now); });
        nc.C.Run((ulong)o.Clock.Cycles(o.RtoUs) * 3);

        TestContext.Out.WriteLine($"{shorts.Count} short, {longs.Count} long, {offloads} offloads, {reverts} reverts, killed {killed}; " +
                                  $"SYN retransmits {nc.Stats.SynRetransmits}, established retransmits {nc.Stats.EstablishedRetransmits}, " +
                                  $"cycles {nc.C.Now}, frames checked {nc.Nics.Sum(n => n.Bench!.FramesChecked)}");
        Assert.That(shorts.Select(c => c.State), Is.All.EqualTo(ClientState.Done));
        Assert.That(longs.Select(c => c.State), Is.All.EqualTo(ClientState.Open));
        Assert.That(longs.Select(c => c.DataAcked == c.DataSent), Is.All.True);
        Assert.That(nc.Stats.EstablishedRetransmits, Is.Zero);
        foreach (var n in nc.Nics.Where(n => !n.Dead))
        {
            n.Bench!.CompareCounters();
            n.Bench.AssertClean();
            Assert.That(n.Sim.ProtocolErrors, Is.Zero, n.Sim.FirstProtocolError);
        }
    }
}
