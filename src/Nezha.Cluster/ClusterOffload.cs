using Microsoft.Extensions.Logging;
using Nezha.Driver;
using Nezha.Driver.Offload;

namespace Nezha.Verify.Cluster;

/// <summary>
/// The cluster's cards as the offload controller sees them: each NIC's own <see cref="NicDriver"/> and its
/// offload registers — the same objects a host would build for real cards. Tests and measurements offload
/// through <see cref="OffloadController"/> too (by hand, <see cref="Install"/>), so the very code that the
/// controller uses installs every offload of every run.
/// </summary>
public static class ClusterOffload
{
    public static List<ManagedNic> Managed(NezhaCluster nc) =>
        nc.Nics.Select(n => new ManagedNic(n.Name, n.Driver, n.Vtep, new NicOffloadCard(n.Driver))).ToList();

    /// <summary>The cluster's controller (created on first use: attaches to every card — reads its tables — and sets
    /// the probe timers; between runs the NICs are then put back in step).</summary>
    public static OffloadController Controller(NezhaCluster nc, OffloadPolicy? policy = null, ILogger? logger = null)
    {
        if (nc.Controller is { } c) return c;
        c = new OffloadController(Managed(nc), policy ?? OffloadPolicy.Default, logger);
        c.SetLiveness(nc.O.ProbeIntervalTicks, nc.O.ProbeTimeoutTicks);
        nc.Controller = c;
        if (!nc.C.Running) nc.C.Resync();
        return c;
    }

    /// <summary>Offloads the heavy vNIC to the first <paramref name="fes"/> FEs now (between runs), then puts
    /// the NICs back in step.</summary>
    public static void Install(NezhaCluster nc, int fes)
    {
        var c = Controller(nc);
        c.OffloadNow(nc.Be.Name, NezhaCluster.HeavyVnic, nc.Fes.Take(fes).Select(f => f.Name).ToList(), $"requested: {fes} FEs");
        nc.C.Resync();
    }

    /// <summary>The same, from inside a run (the cluster keeps running while the cards are programmed).</summary>
    public static void InstallNow(NezhaCluster nc, int fes, bool compact = false) =>
        Controller(nc).OffloadNow(nc.Be.Name, NezhaCluster.HeavyVnic, nc.Fes.Take(fes).Select(f => f.Name).ToList(),
                                  $"requested: {fes} FEs{(compact ? ", compact entries" : "")}", compact);

    public static void RevertNow(NezhaCluster nc) =>
        Controller(nc).RevertNow(nc.Be.Name, NezhaCluster.HeavyVnic, "requested");

    public static readonly ClusterScenarios.OffloadHook Hook = Install;

    /// <summary>As <see cref="Install"/>, with the BE keeping compact session entries (docs/nezha-offload.md section 8).</summary>
    public static readonly ClusterScenarios.OffloadHook CompactHook = (nc, fes) =>
    {
        InstallNow(nc, fes, compact: true);
        nc.C.Resync();
    };

    /// <summary>Whether the simulated build has the OFFLOAD register block (docs/nezha-offload.md section 6).</summary>
    public static bool Supported(ClusterOptions o)
    {
        using var sim = new Sim.SimNic(o.Width, 1);
        var t = new Sim.SimTransport(sim);
        return t.Read32(0x0A00, out uint type) == RegResp.Okay && type >> 16 == 0x4E5A;
    }
}
