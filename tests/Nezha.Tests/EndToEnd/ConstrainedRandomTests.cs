using Nezha.Common.Registers;
using Nezha.Verify.Sim;
using Nezha.Verify.Testbench;
using NUnit.Framework;

namespace Nezha.Tests.EndToEnd;

/// <summary>
/// At least 100k constrained-random frames per width with random backpressure on both outputs and random
/// gaps on both inputs, checked frame by frame and counter by counter against the golden model.
/// NEZHA_RANDOM_FRAMES overrides the count (e.g. for a quick local run).
/// </summary>
[TestFixture(SimConfig.W64)]
[TestFixture(SimConfig.W512)]
public class ConstrainedRandomTests : BenchFixture
{
    public ConstrainedRandomTests(SimConfig config) : base(config) { }

    [Test]
    public void RandomTrafficWithBackpressureMatchesTheModel()
    {
        int frames = RandomFrames(100_000);
        int seed = TestContext.CurrentContext.Random.Next();
        TestContext.Out.WriteLine($"seed {seed}, {frames} frames");
        var verdicts = RunRandomTraffic(B, T, Info, seed, frames);
        Assert.That(verdicts.GetValueOrDefault("forwarded"), Is.GreaterThan(frames / 3), "most valid traffic is forwarded");
    }

    internal static int RandomFrames(int standard) =>
        int.TryParse(Environment.GetEnvironmentVariable("NEZHA_RANDOM_FRAMES"), out var n) ? n : standard;

    /// <summary>
    /// Sends <paramref name="frames"/> generated frames with random backpressure and input gaps, compares every
    /// output and (every 20k frames, after draining and after aging) every counter with the model, and returns
    /// the verdicts by kind. With <paramref name="tickEvery"/> &gt; 0 (a topology on the external tick) a tick_in
    /// pulse follows every tickEvery-th frame.
    /// </summary>
    internal static Dictionary<string, int> RunRandomTraffic(NicBench b, Topology t, Nezha.Driver.NicInfo info, int seed, int frames,
                                                             int tickEvery = 0)
    {
        var gen = new TrafficGenerator(t, seed, b.Sim.VnicWidth, info.MtuMax);
        var rnd = new Random(seed);
        b.Sim.SetBackpressure(NicBench.Net, 0.5 + 0.5 * rnd.NextDouble(), (ulong)seed + 1);
        b.Sim.SetBackpressure(NicBench.Host, 0.5 + 0.5 * rnd.NextDouble(), (ulong)seed + 2);
        b.Sim.SetInputGaps(NicBench.Net, 0.6 + 0.4 * rnd.NextDouble(), (ulong)seed + 3);
        b.Sim.SetInputGaps(NicBench.Host, 0.6 + 0.4 * rnd.NextDouble(), (ulong)seed + 4);
        var kinds = new Dictionary<string, int>();
        int before = b.Retired.Count;
        for (int i = 0; i < frames; i++)
        {
            var g = gen.Next();
            kinds[g.Kind] = kinds.GetValueOrDefault(g.Kind) + 1;
            b.Send(g.Port, g.Frame, g.TUser);
            if (tickEvery > 0 && i % tickEvery == tickEvery - 1) b.Sim.TickPulse();
            while (b.Outstanding > 48) b.Pump(64);
            if (b.Errors.Count > 20) break;
            if (i % 20000 == 19999) b.CompareCounters();
        }
        b.Drain();
        b.CompareCounters();
        b.SettleAging();
        b.CompareCounters();
        b.AssertClean();

        var verdicts = b.Retired.Skip(before)
                                .GroupBy(r => r.Verdict.Drop != DropReason.None ? r.Verdict.Drop.ToString()
                                              : r.Verdict.Exception != ExceptionReason.None ? "exc-" + r.Verdict.Exception
                                              : r.Verdict.Output is null ? "consumed" : "forwarded")
                                .ToDictionary(g => g.Key, g => g.Count());
        TestContext.Out.WriteLine("stimulus: " + string.Join(", ", kinds.OrderBy(k => k.Key).Select(k => $"{k.Key}={k.Value}")));
        TestContext.Out.WriteLine("verdicts: " + string.Join(", ", verdicts.OrderBy(k => k.Key).Select(k => $"{k.Key}={k.Value}")));
        TestContext.Out.WriteLine($"cycles {b.Sim.Cycle}, frames checked {b.FramesChecked}, inserts {b.Stat(StatIndex.SessInserts)}, " +
                                  $"insert failures {b.Stat(StatIndex.SessInsertFail)}, hits {b.Stat(StatIndex.SessHits)}");
        Assert.That(b.Retired.Count - before, Is.EqualTo(frames));
        Assert.That(b.Stat(StatIndex.SessHits), Is.GreaterThan(0));
        return verdicts;
    }
}

/// <summary>
/// The constrained-random run over random topologies (<see cref="RandomTopology"/>): random MACs, VTEP
/// addresses, VNIs, address blocks, vNIC slots over the whole vNIC range, routes and ACL rules, so that every
/// configuration bit the datapath reads is exercised, not only the standard topology's constants; in most
/// topologies the card also has Nezha roles (offloaded vNICs, FE copies, FE groups, probing) and receives
/// context packets with every identity field sometimes wrong (spoofed, stale, malformed). Each test
/// case is one topology; NUnit's random seed picks it (printed, so a failure can be replayed with
/// NEZHA_TOPOLOGY_SEED).
/// </summary>
[TestFixture(SimConfig.W64)]
[TestFixture(SimConfig.W512)]
public class RandomTopologyTests : BenchFixture
{
    private int _seed;

    public RandomTopologyTests(SimConfig config) : base(config) { }

    protected override Topology MakeTopology()
    {
        _seed = int.TryParse(Environment.GetEnvironmentVariable("NEZHA_TOPOLOGY_SEED"), out var s)
            ? s : TestContext.CurrentContext.Random.Next();
        return RandomTopology.Create(_seed, Info, B.Driver.FeGroupCount);
    }

    [Test, Repeat(3)]
    public void RandomTopologyAndTrafficMatchTheModel()
    {
        int frames = ConstrainedRandomTests.RandomFrames(25_000);
        TestContext.Out.WriteLine($"topology seed {_seed} (NEZHA_TOPOLOGY_SEED), {frames} frames: {T.Vms.Length} VMs on vNICs " +
                                  $"{string.Join(",", T.Vms.Select(v => v.Vnic))}, {T.Remotes.Length} remote VMs, " +
                                  $"{T.Routes.Length} routes, ACL rules {string.Join("/", T.AclSets.Select(a => a.Length))}; " +
                                  $"FE groups {string.Join("/", T.FeGroups.Select(g => g.Length))}, offloaded vNICs " +
                                  $"{string.Join(",", T.Offloaded.Select(o => $"{o.Vm.Vnic}{(o.Draining ? "(drain)" : "")}{(o.Compact ? "(compact)" : "")}"))}, " +
                                  $"FE copies {string.Join(",", T.FeCopies.Select(c => c.Copy.Vnic))}, probe {T.ProbeTiming}, MTU {T.Mtu?.ToString() ?? "max"}");
        var verdicts = ConstrainedRandomTests.RunRandomTraffic(B, T, Info, _seed, frames, tickEvery: 50);
        TestContext.Out.WriteLine("nezha: " + string.Join(", ", new[]
        {
            StatIndex.NzRedirects, StatIndex.NzVerdictsTx, StatIndex.NzVerdictsRx, StatIndex.NzFallback,
            StatIndex.ProbesTx, StatIndex.ProbeRepliesTx, StatIndex.ProbeRepliesRx, StatIndex.FeDown,
        }.Select(i => $"{i}={B.Stat(i)}")) +
            $"; compact session entries at the end {Enumerable.Range(0, B.Params.SessSlots).Count(i => B.Model.Session(i) is { Valid: true, Compact: true })}");
        Assert.That(verdicts.GetValueOrDefault("forwarded"), Is.GreaterThan(frames / 20), "some of the traffic passes");
    }
}
