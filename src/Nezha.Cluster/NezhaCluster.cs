using Nezha.Driver;
using Nezha.Common.Registers;
using Nezha.Verify.Testbench;
using static Nezha.Verify.Testbench.FrameBuilder;

namespace Nezha.Verify.Cluster;

/// <summary>
/// The standard Nezha cluster (docs/cluster.md): one BE NIC whose vNIC 0 is the heavy VM (a TCP service on
/// port 80 behind a long ACL), <see cref="ClusterOptions.Fes"/> FE NICs each running a background VM, client
/// hosts on the fabric opening connections to the heavy VM, and a sink host for the background traffic.
/// Every NIC is programmed through its own <see cref="NicDriver"/>; nothing here touches offload registers.
/// </summary>
public sealed class NezhaCluster : IDisposable
{
    public const int HeavyVnic = 0, HeavyAclSet = 0, BackgroundVnic = 0, BackgroundAclSet = 0;
    public const uint HeavyVni = 100, BackgroundVni = 200;
    public const ushort ServicePort = 80;

    public static readonly ulong RouterMac = Mac("02:00:00:00:fe:01");
    public static readonly ulong GatewayMac = Mac("02:00:00:00:00:fe");
    public static readonly uint HeavyIp = Ip("10.1.0.10");
    public static readonly ulong HeavyMac = Mac("02:64:00:00:00:0a");
    public static readonly uint SinkVtep = Ip("192.168.2.1");
    public static readonly uint SinkIp = Ip("10.2.255.1");

    public static uint NicVtep(int i) => Ip("192.168.0.1") + (uint)i;
    public static ulong NicMac(int i) => Mac("02:00:00:00:00:10") + (ulong)i;
    public static uint ClientVtep(int h) => Ip("192.168.1.1") + (uint)h;

    private int _nextConn;

    public NezhaCluster(ClusterOptions o)
    {
        o.Validate();
        O = o;
        C = new Cluster(o.Clock, o.LatencyCycles, o.ChunkCycles);
        try
        {
            Be = C.Add(new ClusterNic("be", NicVtep(0), NicMac(0), o.Width, o.Check, o.Seed));
            for (int i = 1; i <= o.Fes; i++)
                Fes.Add(C.Add(new ClusterNic($"fe{i}", NicVtep(i), NicMac(i), o.Width, o.Check, o.Seed + (ulong)i)));
            if (o.AclRules > Be.Info.AclRules)
                throw new ArgumentException($"{o.AclRules} ACL rules, but the card has {Be.Info.AclRules} per set");
            ProgramBe(Be);
            HeavyVm = new TcpServerVm(C, Be, HeavyVnic, HeavyVni, HeavyIp, HeavyMac, GatewayMac, ServicePort, o.VmDelayCycles);

            ulong bgCost = (ulong)(o.BackgroundRules + 7);
            for (int i = 0; i < Fes.Count; i++)
            {
                ProgramFe(Fes[i], i + 1);
                ulong interval = o.BackgroundUtil > 0 ? (ulong)Math.Max(C.ChunkCycles, Math.Round(bgCost / o.BackgroundUtil)) : 0;
                Background.Add(new BackgroundVm(C, Fes[i], BackgroundVnic, BackgroundIp(i + 1), BackgroundMac(i + 1), GatewayMac, SinkIp, interval));
            }

            Sink = new SinkHost(SinkVtep);
            C.AddHost(Sink);
            var service = new ServiceAddress(HeavyVni, HeavyIp, HeavyMac, ServicePort, Be.Vtep);
            for (int h = 0; h < o.ClientHosts; h++)
            {
                var vms = Enumerable.Range(0, o.ClientVmsPerHost)
                    .Select(k => new ClientVm(HeavyVni, Ip("10.1.1.1") + (uint)(h << 8) + (uint)k, Mac("02:64:01:00:00:00") + (ulong)(h << 8) + (ulong)k))
                    .ToList();
                // the VPC's mapping table lists its VMs, the clients too: a compact BE (docs/nezha-offload.md
                // section 8) finds the action of its VM's packets there (a full entry keeps the sender instead)
                foreach (var vm in vms) Be.Driver.AddMapping(new MappingEntry(true, HeavyVni, vm.Ip, ClientVtep(h), vm.Mac));
                var host = new TcpClientHost(C, ClientVtep(h), RouterMac, service, vms, Stats, o.Clock.Cycles(o.RtoUs), o.DataBytes);
                Clients.Add(host);
                C.AddHost(host);
            }
            C.Start();
        }
        catch
        {
            C.Dispose();
            throw;
        }
    }

    public ClusterOptions O { get; }
    public Cluster C { get; }
    public ClusterNic Be { get; }
    public List<ClusterNic> Fes { get; } = new();
    public TcpServerVm HeavyVm { get; }
    public List<BackgroundVm> Background { get; } = new();
    public SinkHost Sink { get; }
    public List<TcpClientHost> Clients { get; } = new();
    public ClientStats Stats { get; } = new();
    public IEnumerable<ClusterNic> Nics => C.Nics;
    /// <summary>The offload controller attached to this cluster's cards (see <see cref="ClusterOffload"/>).</summary>
    public Nezha.Driver.Offload.OffloadController? Controller { get; set; }

    public static uint BackgroundIp(int fe) => Ip("10.2.0.10") + (uint)(fe << 8);
    public static ulong BackgroundMac(int fe) => Mac("02:c8:00:00:00:0a") + (ulong)(fe << 8);

    /// <summary>The address every connection i uses (spread over client hosts, VMs and ports).</summary>
    public (TcpClientHost Host, ClientVm Vm, ushort Port) Endpoint(int i)
    {
        int h = i % Clients.Count;
        int per = O.ClientVmsPerHost;
        int k = (i / Clients.Count) % per;
        int p = i / (Clients.Count * per);
        return (Clients[h], Clients[h].Vms[k], (ushort)(10000 + p % 55000));
    }

    /// <summary>Opens the next connection at <paramref name="time"/>.</summary>
    public TcpClientConn Open(ulong time, bool longLived)
    {
        int id = _nextConn++;
        var (host, vm, port) = Endpoint(id);
        return host.Open(id, vm, port, longLived, time);
    }

    public int ConnectionsOpened => _nextConn;

    public void StartBackground(ulong time)
    {
        foreach (var b in Background) b.Start(time);
    }

    // ------------------------------------------------------------------ programming

    private void Global(ClusterNic n, int idle) =>
        n.Driver.Configure(new NicGlobalConfig(n.Mac, n.Vtep, RouterMac, GatewayMac, Math.Min(9216, n.Info.MtuMax),
            idle, O.CloseTimeoutTicks, O.TickCycles));

    private void ProgramBe(ClusterNic n)
    {
        var d = n.Driver;
        Global(n, O.IdleTimeoutTicks);
        int rules = O.AclRules;
        // rules that never match the clients' TCP (ingress UDP 1 -> 1), then egress allow, the clients' rule last
        for (int i = 0; i < rules - 2; i++)
            d.WriteAclRule(HeavyAclSet, i, new AclRule(true, AclDirection.Ingress, false, IpProto.Udp, 0, 0, 0, 0, 1, 1, 1, 1));
        d.WriteAclRule(HeavyAclSet, rules - 2, new AclRule(true, AclDirection.Egress, true, 0, 0, 0, 0, 0, 0, 65535, 0, 65535));
        d.WriteAclRule(HeavyAclSet, rules - 1, new AclRule(true, AclDirection.Ingress, true, IpProto.Tcp, 0, 0, 0, 0, 0, 65535, ServicePort, ServicePort));
        d.SetAclCount(HeavyAclSet, rules);
        d.WriteRoute(0, new RouteEntry(true, HeavyVni, Ip("10.1.0.0"), 16, RouteType.Mapped, 0));
        d.AddMapping(new MappingEntry(true, HeavyVni, HeavyIp, n.Vtep, HeavyMac));
        d.WriteVnic(HeavyVnic, new VnicEntry(true, HeavyVni, HeavyMac, HeavyIp, Ip("10.1.0.1"), HeavyAclSet));
    }

    private void ProgramFe(ClusterNic n, int fe)
    {
        var d = n.Driver;
        Global(n, O.FeIdleTimeoutTicks);
        int rules = Math.Max(1, O.BackgroundRules);
        for (int i = 0; i < rules - 1; i++)
            d.WriteAclRule(BackgroundAclSet, i, new AclRule(true, AclDirection.Egress, false, IpProto.Udp, 0, 0, 0, 0, 1, 1, 1, 1));
        d.WriteAclRule(BackgroundAclSet, rules - 1, new AclRule(true, AclDirection.Egress, true, 0, 0, 0, 0, 0, 0, 65535, 0, 65535));
        d.SetAclCount(BackgroundAclSet, rules);
        d.WriteRoute(0, new RouteEntry(true, BackgroundVni, 0, 0, RouteType.Vtep, SinkVtep));
        d.WriteVnic(BackgroundVnic, new VnicEntry(true, BackgroundVni, BackgroundMac(fe), BackgroundIp(fe), BackgroundIp(fe) - 9, BackgroundAclSet));
    }

    // ------------------------------------------------------------------ measurement helpers

    /// <summary>Sum of SLOW_CYCLES over every vNIC of a NIC, and its cycle counter (both read through the driver).</summary>
    public static (ulong Slow, ulong Cycles) SlowCycles(ClusterNic n)
    {
        ulong slow = 0;
        for (int v = 0; v < n.Info.NVnic; v++) slow += n.Driver.ReadVnicCounters(v).SlowCycles;
        return (slow, n.Driver.ReadCycles());
    }

    public void Dispose() => C.Dispose();
}
