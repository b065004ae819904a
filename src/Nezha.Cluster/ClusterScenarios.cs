using Nezha.Common.Registers;

namespace Nezha.Verify.Cluster;

/// <param name="BeNetRxLoad">the BE's net-port input over the measurement: beats (DATA_W bits each) it accepted per cycle,
/// 0..1 (1 = the port's bandwidth, DATA_W x clock), estimated from its RX byte and packet counters (half a beat of
/// padding per frame).</param>
public sealed record CpsResult(int Fes, double Cps, long Connections, ulong Cycles, double BeSlowUtil,
                               IReadOnlyList<double> FeSlowUtil, double MeanConnectUs, long SynRetransmits, long Failed,
                               double BeNetRxLoad = 0);

/// <param name="Capacity">session table words (full entries it holds)</param>
/// <param name="Compact">the BE kept compact entries (docs/nezha-offload.md section 8)</param>
/// <param name="Flows">the BE's live sessions at its first insert failure.</param>
/// <param name="FlowsAtOnePercent">the BE's live sessions when 1% of its inserts so far had failed.</param>
public sealed record FlowsResult(int Fes, long Flows, int Capacity, ulong InsertFailures, ulong Cycles, bool Compact = false,
                                 long FlowsAtOnePercent = 0);

public sealed record UtilResult(int Fes, double OfferedCps, double CpsBefore, double CpsAfter, double Before, double After,
                                IReadOnlyList<double> FeUtilAfter);

public sealed record LatencyResult(int Fes, int Samples,
                                   double DirectSynCycles, double OffloadSynCycles,
                                   double DirectEstCycles, double OffloadEstCycles, double OffloadEstOldCycles)
{
    public double AddedSynCycles => OffloadSynCycles - DirectSynCycles;
    public double AddedEstCycles => Math.Max(OffloadEstCycles, OffloadEstOldCycles) - DirectEstCycles;
}

public sealed record FailoverResult(int Fes, string Killed, ulong KillTime, double RecoveryCycles, double DetectCycles,
                                    long EstablishedFlows, long EstablishedLost, long EstablishedRetransmits,
                                    long PacketsLost, long RequestsLost, long VerdictsLost, long ProbesLost,
                                    long NewConnections, long NewCompleted, long SharedOnDeadFe);

/// <summary>
/// The measurements of docs/cluster.md. Each builds a fresh <see cref="NezhaCluster"/>; <paramref name="offload"/>
/// arguments put the heavy vNIC into offload on the given number of FEs (through the driver, as the
/// controller does) and <c>revert</c> takes it back.
/// </summary>
public static partial class ClusterScenarios
{
    /// <summary>Installs the offload of the heavy vNIC on the first n FEs of the cluster.</summary>
    public delegate void OffloadHook(NezhaCluster nc, int fes);

    /// <summary>
    /// CPS at saturation: <paramref name="window"/> short connections are kept in flight (each completed one is
    /// replaced at once); after <paramref name="warmup"/> completions, CPS = completions / cycles over the next
    /// <paramref name="measure"/> completions, at the stated clock.
    /// </summary>
    public static CpsResult Cps(ClusterOptions o, int fes, int window, int warmup, int measure, OffloadHook? offload,
                                Action<double>? progress = null)
    {
        using var nc = new NezhaCluster(o with { Fes = fes });
        if (fes > 0) (offload ?? throw new ArgumentNullException(nameof(offload)))(nc, fes);
        nc.StartBackground(nc.C.Now);
        nc.Stats.OnDone = (c, t) =>
        {
            nc.Endpoint(c.Id).Host.Forget(c);
            nc.Open(t, false);
        };
        ulong t0 = nc.C.Now;
        for (int i = 0; i < window; i++) nc.Open(t0 + (ulong)i * 8, false);
        ulong guard = (ulong)(warmup + measure) * 20_000 + 2_000_000;
        int total = warmup + measure;
        nc.C.OnChunk = _ => progress?.Invoke(Math.Min(1.0, (double)nc.Stats.Completed / total));
        Run(nc, () => nc.Stats.Completed < warmup, guard, "warm-up");
        var before = nc.Nics.Select(NezhaCluster.SlowCycles).ToList();
        var rx0 = NetRx(nc.Be);
        long c0 = nc.Stats.Completed, r0 = nc.Stats.SynRetransmits;
        ulong start = nc.C.Now;
        double connectSum = 0;
        long connectN = 0;
        nc.Stats.OnDone = (c, t) =>
        {
            connectSum += c.DoneAt - c.OpenedAt;
            connectN++;
            nc.Endpoint(c.Id).Host.Forget(c);
            nc.Open(t, false);
        };
        Run(nc, () => nc.Stats.Completed < total, guard, "measurement");
        ulong cycles = nc.C.Now - start;
        var after = nc.Nics.Select(NezhaCluster.SlowCycles).ToList();
        var utils = before.Zip(after, (b, a) => (double)(a.Slow - b.Slow) / Math.Max(1, a.Cycles - b.Cycles)).ToList();
        long done = nc.Stats.Completed - c0;
        var rx1 = NetRx(nc.Be);
        // beats the net port took in, estimated from the card's counters (what it accepted, not what was queued
        // for it): a frame of L bytes is ceil(L / K) beats, counted as L / K plus half a beat per frame
        double k = nc.Be.Sim.DataWidth / 8.0;
        double beats = (rx1.Bytes - rx0.Bytes) / k + 0.5 * (rx1.Pkts - rx0.Pkts);
        double rxLoad = beats / Math.Max(1, after[0].Cycles - before[0].Cycles);
        return new CpsResult(fes, o.Clock.PerSecond(done, cycles), done, cycles, utils[0], utils.Skip(1).ToList(),
            o.Clock.Microseconds(connectSum / Math.Max(1, connectN)), nc.Stats.SynRetransmits - r0, nc.Stats.Failed, rxLoad);
    }

    private static (double Bytes, double Pkts) NetRx(ClusterNic n) =>
        (n.Driver.ReadStat(StatIndex.NetRxBytes), n.Driver.ReadStat(StatIndex.NetRxPkts));

    /// <summary>
    /// Maximum concurrent flows: long-lived connections are opened (<paramref name="window"/> handshakes in flight)
    /// until the BE counts its first SESS_INSERT_FAIL; the result is the BE's live sessions at that moment.
    /// <paramref name="compact"/>: the offload hook installs a compact BE (two entries per session word).
    /// </summary>
    public static FlowsResult Flows(ClusterOptions o, int fes, int window, OffloadHook? offload, Action<double>? progress = null,
                                    bool compact = false)
    {
        using var nc = new NezhaCluster(o with { Fes = fes, BackgroundUtil = 0 });
        if (fes > 0) (offload ?? throw new ArgumentNullException(nameof(offload)))(nc, fes);
        int capacity = nc.Be.Info.SessionEntries;
        ulong t0 = nc.C.Now;
        var f = FillSessions(nc, window, compact ? 2 * capacity : capacity, 0, progress, "filling the session table");
        return new FlowsResult(fes, f.AtFirstFailure, capacity, f.Failures, nc.C.Now - t0, compact, f.AtOnePercent);
    }

    /// <summary>
    /// Opens long-lived connections (<paramref name="window"/> handshakes in flight: each established one opens the
    /// next) until 1% of the BE's inserts since the start have failed, or the BE holds <paramref name="stopAt"/>
    /// sessions (0: no such limit). Returns its live sessions at the first SESS_INSERT_FAIL (or at the stop) and at
    /// 1%. <paramref name="room"/> is the most sessions the run can reach (it sets the cycle guard);
    /// <paramref name="liveRoom"/>, when given, the capacity expected now (progress and check spacing; else room).
    /// </summary>
    internal static (long AtFirstFailure, long AtOnePercent, ulong Failures) FillSessions(NezhaCluster nc, int window, long room,
        long stopAt, Action<double>? progress, string what, Func<long>? liveRoom = null, List<TcpClientConn>? opened = null)
    {
        var be = nc.Be;
        nc.Stats.OnEstablished = (_, t) =>
        {
            var c = nc.Open(t, true);
            opened?.Add(c);
        };
        ulong t0 = nc.C.Now;
        for (int i = 0; i < window; i++)
        {
            var c = nc.Open(t0 + (ulong)i * 8, true);
            opened?.Add(c);
        }
        ulong ins0 = be.Driver.ReadStat(StatIndex.SessInserts), fail0 = be.Driver.ReadStat(StatIndex.SessInsertFail);
        ulong fails = 0, ins = 0, occ = 0, nextCheck = 0;
        long atFirst = -1;
        nc.C.OnChunk = now =>
        {
            if (now < nextCheck) return;
            occ = be.Driver.ReadStat(StatIndex.SessOccupancy);
            fails = be.Driver.ReadStat(StatIndex.SessInsertFail) - fail0;
            ins = be.Driver.ReadStat(StatIndex.SessInserts) - ins0;
            if (fails > 0 && atFirst < 0) atFirst = (long)occ;
            long r = liveRoom?.Invoke() ?? room;
            progress?.Invoke(Math.Min(1.0, (double)occ / r));
            nextCheck = now + (occ > (ulong)(r * 0.85) ? 500UL : 5000UL);
        };
        bool Going() => (fails == 0 || fails * 100 < ins + fails) && (stopAt == 0 || (long)occ < stopAt);
        Run(nc, Going, (ulong)room * 20_000 + 2_000_000, what);
        nc.C.OnChunk = null;
        nc.Stats.OnEstablished = null;
        return (atFirst < 0 ? (long)occ : atFirst, (long)occ, fails);
    }

    /// <summary>
    /// The BE's slow-path utilisation at a fixed offered load (<paramref name="offeredCps"/> new connections per
    /// second, evenly spaced), before and after offloading the heavy vNIC to <paramref name="fes"/> FEs.
    /// </summary>
    public static UtilResult Utilisation(ClusterOptions o, int fes, double offeredCps, int connections, OffloadHook offload,
                                         Action<double>? progress = null)
    {
        using var nc = new NezhaCluster(o with { Fes = fes });
        nc.StartBackground(nc.C.Now);
        nc.Stats.OnDone = (c, _) => nc.Endpoint(c.Id).Host.Forget(c);
        double interval = o.ClockMhz * 1e6 / offeredCps;
        ulong span = (ulong)(interval * connections);
        ulong warm = Math.Max(span / 5, 20_000);

        (double Util, double Cps, List<double> Fe) Phase(double p0)
        {
            ulong start = nc.C.Now;
            ulong end = start + warm + span;
            Arrivals(nc, start, end, interval);
            nc.C.OnChunk = now => progress?.Invoke(p0 + 0.5 * (now - start) / (double)(end - start));
            nc.C.RunUntil(start + warm);
            var b = nc.Nics.Select(NezhaCluster.SlowCycles).ToList();
            long c0 = nc.Stats.Completed;
            ulong m0 = nc.C.Now;
            nc.C.RunUntil(end);
            var a = nc.Nics.Select(NezhaCluster.SlowCycles).ToList();
            var u = b.Zip(a, (x, y) => (double)(y.Slow - x.Slow) / Math.Max(1, y.Cycles - x.Cycles)).ToList();
            // let the connections in flight finish before the next phase
            nc.C.Run(o.Clock.Cycles(50));
            return (u[0], o.Clock.PerSecond(nc.Stats.Completed - c0, nc.C.Now - m0), u.Skip(1).ToList());
        }

        var before = Phase(0);
        offload(nc, fes);
        var after = Phase(0.5);
        return new UtilResult(fes, offeredCps, before.Cps, after.Cps, before.Util, after.Util, after.Fe);
    }

    /// <summary>
    /// Latency added by the FE detour on an otherwise idle cluster: cycles from a SYN entering the fabric at the
    /// client host to its delivery to the VM, and the same for a data segment of an established connection,
    /// without and with the offload (mean over <paramref name="samples"/> connections each).
    /// </summary>
    public static LatencyResult Latency(ClusterOptions o, int fes, int samples, OffloadHook offload)
    {
        using var nc = new NezhaCluster(o with { Fes = fes, BackgroundUtil = 0 });
        var arrive = new Dictionary<(uint, ushort, bool), ulong>();
        nc.HeavyVm.OnSegment = (s, t) =>
        {
            var key = (s.SrcIp, s.SrcPort, s.Has(Testbench.TcpFlags.Syn));
            if (s.Has(Testbench.TcpFlags.Syn) || s.PayloadLength > 0) arrive.TryAdd(key, t);
        };
        ulong gap = 20 * o.LatencyCycles + o.Clock.Cycles(10);

        List<TcpClientConn> Open(int n)
        {
            var list = new List<TcpClientConn>();
            for (int i = 0; i < n; i++)
            {
                list.Add(nc.Open(nc.C.Now, true));
                nc.C.Run(gap);
            }
            return list;
        }
        double SynLatency(List<TcpClientConn> cs) =>
            cs.Average(c => (double)(arrive[(c.Vm.Ip, c.Port, true)] - c.OpenedAt));
        double DataLatency(List<TcpClientConn> cs)
        {
            double sum = 0;
            foreach (var c in cs)
            {
                arrive.Remove((c.Vm.Ip, c.Port, false));
                ulong t = nc.C.Now;
                nc.Endpoint(c.Id).Host.SendData(c, t);
                nc.C.Run(gap);
                sum += arrive[(c.Vm.Ip, c.Port, false)] - t;
            }
            return sum / cs.Count;
        }

        var direct = Open(samples);
        double dSyn = SynLatency(direct), dEst = DataLatency(direct);
        offload(nc, fes);
        nc.C.Run(gap);
        var detour = Open(samples);
        double oSyn = SynLatency(detour), oEst = DataLatency(detour), oOld = DataLatency(direct);
        return new LatencyResult(fes, samples, dSyn, oSyn, dEst, oEst, oOld);
    }

    /// <summary>Schedules evenly spaced short-connection arrivals in [start, end).</summary>
    internal static void Arrivals(NezhaCluster nc, ulong start, ulong end, double interval)
    {
        double t = start;
        void Next(ulong now)
        {
            nc.Open(now, false);
            t += interval;
            if (t < end) nc.C.At((ulong)t, Next);
        }
        nc.C.At(start, Next);
    }

    internal static void Run(NezhaCluster nc, Func<bool> notDone, ulong guard, string what)
    {
        if (!nc.C.RunWhile(notDone, guard))
            throw new TimeoutException($"cluster {what} did not finish within {guard:N0} cycles " +
                $"(opened {nc.Stats.Opened}, established {nc.Stats.Established}, completed {nc.Stats.Completed}, " +
                $"SYN retransmits {nc.Stats.SynRetransmits}, failed {nc.Stats.Failed})");
    }
}
