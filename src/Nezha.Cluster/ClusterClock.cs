namespace Nezha.Verify.Cluster;

/// <summary>
/// The stated clock of a cluster run. Every NIC of the cluster runs at this frequency and every time in the
/// simulation is a cycle count of it; microseconds and rates per second are derived from it, never measured
/// on the wall clock.
/// </summary>
public readonly record struct ClusterClock(double Mhz)
{
    public static readonly ClusterClock Default = new(250);

    public double Microseconds(double cycles) => cycles / Mhz;

    public ulong Cycles(double microseconds) => (ulong)Math.Round(microseconds * Mhz);

    /// <summary>Events per simulated second for <paramref name="count"/> events in <paramref name="cycles"/> cycles.</summary>
    public double PerSecond(double count, double cycles) => cycles <= 0 ? 0 : count * Mhz * 1e6 / cycles;

    public override string ToString() => $"{Mhz:0.###} MHz";
}
