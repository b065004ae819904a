using Nezha.Common.Registers;
using Nezha.Verify.Cluster;
using NUnit.Framework;

namespace Nezha.Tests.Cluster;

/// <summary>
/// Small cluster runs on the RTL, every NIC checked frame by frame and register by register against its own
/// golden model (docs/cluster.md).
/// </summary>
[TestFixture]
public class ClusterRunTests
{
    internal static ClusterOptions Small(int fes = 2) => new()
    {
        Fes = fes,
        AclRules = 16,
        ClientHosts = 2,
        ClientVmsPerHost = 4,
        BackgroundUtil = 0.05,
        BackgroundRules = 8,
        Check = true,
        Seed = (ulong)TestContext.CurrentContext.Random.NextULong(),
        RtoUs = 100,
    };

    internal static void AssertModelsAgree(NezhaCluster nc)
    {
        foreach (var n in nc.Nics)
        {
            n.Bench!.CompareCounters();
            n.Bench.AssertClean();
            Assert.That(n.Sim.ProtocolErrors, Is.Zero, $"{n.Name}: {n.Sim.FirstProtocolError}");
        }
    }

    [Test]
    public void ShortAndLongConnectionsThroughTheBeMatchTheModel()
    {
        using var nc = new NezhaCluster(Small());
        nc.StartBackground(0);
        var shorts = new List<TcpClientConn>();
        var longs = new List<TcpClientConn>();
        for (int i = 0; i < 24; i++) nc.C.At((ulong)i * 300, t => shorts.Add(nc.Open(t, false)));
        for (int i = 0; i < 8; i++) nc.C.At(100 + (ulong)i * 500, t => longs.Add(nc.Open(t, true)));
        for (int k = 0; k < 5; k++)
            nc.C.At(20_000 + (ulong)k * 3000, t => { foreach (var c in longs) nc.Endpoint(c.Id).Host.SendData(c, t); });
        nc.C.RunUntil(60_000);

        Assert.That(shorts.Select(c => c.State), Is.All.EqualTo(ClientState.Done));
        Assert.That(longs.Select(c => c.DataAcked), Is.All.EqualTo(5));
        Assert.That(nc.Stats.SynRetransmits + nc.Stats.EstablishedRetransmits, Is.Zero);
        Assert.That(nc.HeavyVm.Closed, Is.EqualTo(24));
        var heavy = nc.Be.Driver.ReadVnicCounters(NezhaCluster.HeavyVnic);
        Assert.That(heavy.NewFlows, Is.EqualTo(32), "one slow-path run per connection, on the BE");
        Assert.That(heavy.SlowCycles, Is.EqualTo(32UL * (7 + 17 + 3)),
            "net-port new flow: reverse path (MAPPED route 3 + mapping 4) + scan (rule 15 matches: 17) + insert (3)");
        Assert.That(nc.Sink.Received, Is.GreaterThan(0), "the FEs' background traffic reached the sink");
        Assert.That(nc.C.LatePushes, Is.Zero);
        Assert.That(nc.Nics.Sum(n => n.HostUnclaimed), Is.Zero);
        AssertModelsAgree(nc);
        Assert.That(nc.Be.Bench!.FramesChecked, Is.GreaterThan(24 * 7));
    }

    [Test]
    public void TheClusterKeepsRunningWhileACardIsProgrammed()
    {
        // 4000 register reads on the BE from one barrier event, with connections arriving meanwhile: the rest of
        // the cluster follows the BE access by access, so connections keep completing, no frame enters more than
        // one access late, and a barrier due meanwhile waits for the first one to finish
        using var nc = new NezhaCluster(Small());
        nc.StartBackground(0);
        var shorts = new List<TcpClientConn>();
        for (int i = 0; i < 40; i++) nc.C.At(1000 + (ulong)i * 400, t => shorts.Add(nc.Open(t, false)));
        ulong accessStart = 0, accessEnd = 0, secondAt = 0;
        long doneDuring = 0;
        nc.C.AtBarrier(2000, t =>
        {
            accessStart = t;
            long before = nc.Stats.Completed;
            for (int i = 0; i < 2000; i++) nc.Be.Driver.ReadCycles();
            accessEnd = nc.C.Now;
            doneDuring = nc.Stats.Completed - before;
            Assert.That(nc.Nics.Where(n => n != nc.Be).Select(n => n.Time), Is.All.EqualTo(nc.C.Now), "the other NICs are in step");
            Assert.That(nc.Be.Time - nc.C.Now, Is.LessThan(100), "the programmed card is at most one access ahead");
        });
        nc.C.AtBarrier(2100, t => secondAt = t);
        nc.C.RunUntil(60_000);

        TestContext.Out.WriteLine($"reads took {accessEnd - accessStart} cycles; {doneDuring} connections completed meanwhile; late pushes {nc.C.LatePushes}, at most {nc.C.MaxLateCycles} cycles late");
        Assert.That(accessEnd - accessStart, Is.GreaterThan(10_000), "the accesses took cluster time");
        Assert.That(doneDuring, Is.GreaterThan(0), "connections completed while the card was being read");
        Assert.That(secondAt, Is.GreaterThanOrEqualTo(accessEnd), "the second barrier ran after the first one finished");
        Assert.That(nc.C.MaxLateCycles, Is.LessThan(20), "a frame enters at most one register access (6 cycles here) late");
        Assert.That(shorts.Select(c => c.State), Is.All.EqualTo(ClientState.Done));
        Assert.That(nc.Stats.SynRetransmits + nc.Stats.EstablishedRetransmits, Is.Zero);
        AssertModelsAgree(nc);
    }

    [Test]
    public void CpsAndFlowsScenariosRunWithoutOffload()
    {
        var o = Small(0) with { Check = false, AclRules = 64 };
        var cps = ClusterScenarios.Cps(o, 0, window: 32, warmup: 20, measure: 100, offload: null);
        TestContext.Out.WriteLine(cps);
        // the BE's slow path is the bottleneck: each connection costs at least its new flow (64 + 4 cycles)
        Assert.That(cps.Cps, Is.LessThan(o.Clock.PerSecond(1, 68)));
        Assert.That(cps.Cps, Is.GreaterThan(o.Clock.PerSecond(1, 68) / 3));
        Assert.That(cps.BeSlowUtil, Is.InRange(0.3, 1.0));
        Assert.That(cps.Failed, Is.Zero);
    }
}
