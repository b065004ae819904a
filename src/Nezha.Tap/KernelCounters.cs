namespace Nezha.Verify.Tap;

/// <summary>
/// A TAP device's drop counters as the kernel keeps them. <see cref="TxDropped"/>: frames sent on the device by
/// its namespace that the kernel dropped because the device's queue towards the bridge was full (the bridge, and
/// so the card, took frames slower than they came) — they never reached the card. <see cref="RxDropped"/>:
/// frames the bridge wrote that the kernel dropped on receiving them.
/// </summary>
public readonly record struct DeviceDrops(long RxDropped, long TxDropped)
{
    public static DeviceDrops operator -(DeviceDrops a, DeviceDrops b) => new(a.RxDropped - b.RxDropped, a.TxDropped - b.TxDropped);
}

/// <summary>
/// Reads the kernel's counters of TAP devices in the network namespace each device is in now (the bridge's
/// devices are moved into the namespaces of VMs, where this process's /sys does not show them): a short-lived
/// thread enters the device's namespace (TUNGETDEVNETNS, setns), reads <c>/proc/thread-self/net/dev</c> and ends.
/// Needs the privileges that created the devices (CAP_NET_ADMIN and CAP_SYS_ADMIN).
/// </summary>
internal static class KernelCounters
{
    private const string NetDev = "/proc/thread-self/net/dev";

    /// <summary>The counters of each device; null for a device whose counters could not be read.</summary>
    public static DeviceDrops?[] Read(IReadOnlyList<TapDevice> devices)
    {
        var result = new DeviceDrops?[devices.Count];
        var thread = new Thread(() => ReadInNamespaces(devices, result)) { IsBackground = true, Name = "nezha netns counters" };
        thread.Start();
        thread.Join();
        return result;
    }

    private static void ReadInNamespaces(IReadOnlyList<TapDevice> devices, DeviceDrops?[] result)
    {
        int home = Libc.Open("/proc/thread-self/ns/net", Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (home < 0) return;
        try
        {
            for (int i = 0; i < devices.Count; i++)
            {
                int ns = devices[i].OpenNetworkNamespace();
                if (ns < 0) continue;
                try
                {
                    if (devices[i].CurrentName() is not { } name || Libc.Setns(ns, Libc.CLONE_NEWNET) != 0) continue;
                    try
                    {
                        result[i] = Parse(File.ReadAllText(NetDev), name);
                    }
                    catch (IOException)
                    {
                        // no /proc: the counters stay unknown
                    }
                }
                finally
                {
                    Libc.Close(ns);
                    // back home; should that fail, no other work ever runs on this thread: it ends below
                    Libc.Setns(home, Libc.CLONE_NEWNET);
                }
            }
        }
        finally
        {
            Libc.Close(home);
        }
    }

    /// <summary>
    /// The drop counters of interface <paramref name="name"/> in the text of /proc/net/dev (receive: bytes packets
    /// errs drop ..., transmit: bytes packets errs drop ...: the 4th and the 12th number), null if it is not listed.
    /// </summary>
    public static DeviceDrops? Parse(string procNetDev, string name)
    {
        foreach (string line in procNetDev.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon < 0 || line.AsSpan(0, colon).Trim().SequenceEqual(name) == false) continue;
            string[] f = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 16 || !long.TryParse(f[3], out long rx) || !long.TryParse(f[11], out long tx)) return null;
            return new DeviceDrops(rx, tx);
        }
        return null;
    }
}
