using Nezha.Driver.Registers;
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
        int frames = int.TryParse(Environment.GetEnvironmentVariable("NEZHA_RANDOM_FRAMES"), out var n) ? n : 100_000;
        int seed = TestContext.CurrentContext.Random.Next();
        TestContext.Out.WriteLine($"seed {seed}, {frames} frames");
        var gen = new TrafficGenerator(T, seed, B.Sim.VnicWidth, Info.MtuMax);
        var rnd = new Random(seed);
        B.Sim.SetBackpressure(NicBench.Net, 0.5 + 0.5 * rnd.NextDouble(), (ulong)seed + 1);
        B.Sim.SetBackpressure(NicBench.Host, 0.5 + 0.5 * rnd.NextDouble(), (ulong)seed + 2);
        B.Sim.SetInputGaps(NicBench.Net, 0.6 + 0.4 * rnd.NextDouble(), (ulong)seed + 3);
        B.Sim.SetInputGaps(NicBench.Host, 0.6 + 0.4 * rnd.NextDouble(), (ulong)seed + 4);
        var kinds = new Dictionary<string, int>();
        for (int i = 0; i < frames; i++)
        {
            var g = gen.Next();
            kinds[g.Kind] = kinds.GetValueOrDefault(g.Kind) + 1;
            B.Send(g.Port, g.Frame, g.TUser);
            while (B.Outstanding > 48) B.Pump(64);
            if (B.Errors.Count > 20) break;
            if (i % 20000 == 19999) B.CompareCounters();
        }
        B.Drain();
        B.CompareCounters();
        B.SettleAging();
        B.CompareCounters();
        B.AssertClean();

        var verdicts = B.Retired.GroupBy(r => r.Verdict.Drop != DropReason.None ? r.Verdict.Drop.ToString()
                                              : r.Verdict.Exception != ExceptionReason.None ? "exc-" + r.Verdict.Exception
                                              : r.Verdict.Output is null ? "consumed" : "forwarded")
                                .ToDictionary(g => g.Key, g => g.Count());
        TestContext.Out.WriteLine("stimulus: " + string.Join(", ", kinds.OrderBy(k => k.Key).Select(k => $"{k.Key}={k.Value}")));
        TestContext.Out.WriteLine("verdicts: " + string.Join(", ", verdicts.OrderBy(k => k.Key).Select(k => $"{k.Key}={k.Value}")));
        TestContext.Out.WriteLine($"cycles {B.Sim.Cycle}, frames checked {B.FramesChecked}, inserts {B.Stat(StatIndex.SessInserts)}, " +
                                  $"insert failures {B.Stat(StatIndex.SessInsertFail)}, hits {B.Stat(StatIndex.SessHits)}");
        Assert.That(B.Retired.Count, Is.EqualTo(frames));
        Assert.That(verdicts.GetValueOrDefault("forwarded"), Is.GreaterThan(frames / 3), "most valid traffic is forwarded");
        Assert.That(B.Stat(StatIndex.SessHits), Is.GreaterThan(0));
    }
}
