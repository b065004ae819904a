using System.Diagnostics;
using Nezha.Cli;
using Nezha.Driver.Config;
using Nezha.Common.Registers;
using Nezha.Tests.Driver;
using Nezha.Verify.Tap;
using NUnit.Framework;

namespace Nezha.Tests.Interop;

/// <summary>
/// Real Linux network stacks in namespaces talking through the simulated card (issue #3): the bridge runs
/// in-process with the golden-model check on, the kernels on both ends are unmodified, and every frame the
/// card emitted must decode cleanly in tshark. See docs/bridging.md for the setup these tests script.
/// </summary>
[TestFixture]
[Category("Interop")]
public class TapInteropTests : InteropFixture
{
    private const int TransferBytes = 2 * 1024 * 1024;

    [Test]
    public void TwoVmsOnOneNicResolveArpPingAndTransferTcp()
    {
        StartBridge(Parse(ConfigJson([Vm0, Vm1], [])));
        string vm0 = VmNamespace(Vm0, "vm0"), vm1 = VmNamespace(Vm1, "vm1");

        Ping(vm0, Vm1.Ip); // ARP for 10.0.0.11 is answered by the card's ARP responder (spec 4.5)
        Ping(vm1, Vm0.Ip);
        TcpTransfer(vm1, Vm1.Ip, vm0, TransferBytes, 5001);

        string neigh = Ns(vm0, "ip", "neigh", "show", Vm1.Ip);
        Assert.That(neigh, Does.Contain(Vm1.Mac), "vm0 resolved vm1's address to vm1's vNIC MAC");
        BridgeSnapshot s = Finish();
        Assert.That(s.Stat(StatIndex.ArpReplies), Is.GreaterThanOrEqualTo(2), "ARP answered by the card");
        Assert.That(s.Stat(StatIndex.SessInserts), Is.GreaterThanOrEqualTo(3), "ICMP both ways and the TCP connection");
        Assert.That(s.Stat(StatIndex.AclDeny) + s.Stat(StatIndex.Spoof) + s.Stat(StatIndex.NoMapping), Is.Zero);
        Assert.That(s.Tap(TapBridge.VnicDeviceName(Prefix, 1))!.BytesOut, Is.GreaterThan(TransferBytes));
    }

    [Test]
    public void SessionsAgeOutInWallClockTime()
    {
        // idleTimeout 400 ticks of 1 ms (tickCycles 250000 at 250 MHz): 0.4 s of wall time. Counted in simulated
        // cycles instead, it would take 100 million cycles, which an idle card never runs.
        TapBridge bridge = StartBridge(Parse(ConfigJson([Vm0, Vm1], [], idleTimeout: 400)));
        Assert.That(bridge.RealTime, Is.True, bridge.ClockDescription);
        string vm0 = VmNamespace(Vm0, "vm0");
        VmNamespace(Vm1, "vm1");
        Ping(vm0, Vm1.Ip, count: 1);
        BridgeSnapshot before = Snapshot(bridge);
        Assert.That(before.Stat(StatIndex.SessOccupancy), Is.EqualTo(1), "the ping's session");

        var sw = Stopwatch.StartNew();
        BridgeSnapshot after = before;
        while (after.Stat(StatIndex.SessAged) == 0 && sw.Elapsed < TimeSpan.FromSeconds(5))
        {
            Thread.Sleep(100);
            after = Snapshot(bridge);
        }
        TestContext.Progress.WriteLine($"  session aged out after {sw.Elapsed.TotalSeconds:F2} s; {after.TicksIssued - before.TicksIssued} tick pulses, {after.Cycles - before.Cycles:N0} cycles meanwhile");
        Assert.That(after.Stat(StatIndex.SessAged), Is.EqualTo(1), "the idle session was swept in real time");
        Assert.That(after.Stat(StatIndex.SessOccupancy), Is.Zero);
        Assert.That(sw.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(0.25)), "not before its idle timeout (0.4 s after the last reply)");
        Assert.That(after.Cycles - before.Cycles, Is.LessThan(10_000_000UL), "time passed as tick pulses, not as simulated cycles");
        Finish();
    }

    private static BridgeSnapshot Snapshot(TapBridge bridge)
    {
        Task<BridgeSnapshot> t = bridge.SnapshotAsync();
        Assert.That(t.Wait(Short), Is.True, "the bridge answers a snapshot request while running");
        return t.Result;
    }

    [Test]
    public void VmAndRemoteHypervisorOverKernelVxlan()
    {
        StartBridge(Parse(ConfigJson([Vm0], [RemoteVm])));
        string vm = VmNamespace(Vm0, "vm0");
        string hv = HypervisorNamespace();
        string ul = TapBridge.UnderlayDeviceName(Prefix);
        Ns(hv, "ip", "link", "add", "vx0", "type", "vxlan", "id", Vni.ToString(), "remote", VtepIp, "local", HvUnderlayIp,
            "dstport", "4789", "dev", ul);
        RemoteVmOn(hv, "vx0", RemoteVm, [Vm0]);

        Ping(vm, RemoteVm.Ip);
        Ping(hv, Vm0.Ip);
        TcpTransfer(hv, RemoteVm.Ip, vm, TransferBytes, 5001);          // VM -> remote: encap
        TcpTransfer(vm, Vm0.Ip, hv, TransferBytes, 5002, seed: 2);     // remote -> VM: decap

        BridgeSnapshot s = Finish();
        Assert.That(s.UnderlayArpReplies, Is.GreaterThanOrEqualTo(1), "the hypervisor resolved the VTEP through the bridge");
        Assert.That(s.Stat(StatIndex.ExcUnderlay), Is.GreaterThanOrEqualTo(1));
        Assert.That(s.Stat(StatIndex.NetTxPkts), Is.GreaterThan(1000), "encapsulated frames to the hypervisor");
        Assert.That(s.Stat(StatIndex.UnknownVnic) + s.Stat(StatIndex.Unsupported) + s.Stat(StatIndex.AclDeny), Is.Zero);
    }

    [Test]
    public void VmAndRemoteHypervisorOverGeneve()
    {
        StartBridge(Parse(ConfigJson([Vm0], [RemoteVm with { Tunnel = "geneve" }])));
        string vm = VmNamespace(Vm0, "vm0");
        string hv = HypervisorNamespace();
        var (code, _, err) = Host.Run("ip", ["netns", "exec", hv, "ip", "link", "add", "gn0", "type", "geneve",
            "id", Vni.ToString(), "remote", VtepIp, "dstport", "6081"], Short, check: false);
        if (code != 0)
        {
            // This kernel has no geneve device (CONFIG_GENEVE off): a userspace endpoint does the same job, so the
            // card's Geneve path still meets a real kernel stack on the overlay.
            TestContext.Progress.WriteLine($"  kernel geneve device unavailable ({err.Trim()}); using the userspace Geneve endpoint of netpeer.py");
            Background ep = Peer(hv, "geneve", "gn0", Vni.ToString(), HvUnderlayIp, VtepIp);
            Assert.That(ep.NextLine(Short), Is.EqualTo("ready"), ep.Stderr);
        }
        RemoteVmOn(hv, "gn0", RemoteVm, [Vm0]);

        Ping(vm, RemoteVm.Ip);
        Ping(hv, Vm0.Ip);
        TcpTransfer(hv, RemoteVm.Ip, vm, TransferBytes, 5001);
        TcpTransfer(vm, Vm0.Ip, hv, TransferBytes, 5002, seed: 2);

        BridgeSnapshot s = Finish();
        Assert.That(s.Stat(StatIndex.NetTxPkts), Is.GreaterThan(1000));
        Assert.That(s.Stat(StatIndex.UnknownVnic) + s.Stat(StatIndex.Unsupported) + s.Stat(StatIndex.AclDeny), Is.Zero);
    }

    [Test]
    public void AclBlocksInboundConnectionsWhileRepliesToOutboundOnesPass()
    {
        Vm guarded = Vm0 with { AclSet = InboundIcmpOnlyAcl };
        TapBridge bridge = StartBridge(Parse(ConfigJson([guarded], [RemoteVm])));
        string vm = VmNamespace(guarded, "vm0");
        string hv = HypervisorNamespace();
        Ns(hv, "ip", "link", "add", "vx0", "type", "vxlan", "id", Vni.ToString(), "remote", VtepIp, "local", HvUnderlayIp,
            "dstport", "4789", "dev", TapBridge.UnderlayDeviceName(Prefix));
        RemoteVmOn(hv, "vx0", RemoteVm, [guarded]);

        Ping(hv, guarded.Ip); // inbound ICMP is allowed

        Background server = Peer(vm, "server", guarded.Ip, "5001", "30");
        Assert.That(server.NextLine(Short), Is.EqualTo("listening"));
        Background probe = Peer(hv, "probe", guarded.Ip, "5001", "3");
        Assert.That(probe.NextLine(Short), Is.EqualTo("timeout"), "an inbound TCP connection must not get through");
        BridgeSnapshot during = Snapshot(bridge);
        Assert.That(during.Stat(StatIndex.AclDeny), Is.GreaterThanOrEqualTo(1), "the SYNs were dropped by the ACL");

        TcpTransfer(hv, RemoteVm.Ip, vm, 512 * 1024, 5002); // outbound: the replies come back through the session

        BridgeSnapshot s = Finish();
        Assert.That(s.Stat(StatIndex.AclDeny), Is.GreaterThanOrEqualTo(during.Stat(StatIndex.AclDeny)));
        Assert.That(s.Stat(StatIndex.SessHits), Is.GreaterThan(100), "replies matched the outbound connection's session");
    }

    [Test]
    public void CreateRemovesTheEarlierDevicesWhenALaterOneFails()
    {
        string v0 = TapBridge.VnicDeviceName(Prefix, 0), v1 = TapBridge.VnicDeviceName(Prefix, 1);
        string socket = Path.Combine(TestFiles.TempDir(), "c.sock");
        Func<string, TapDevice> original = TapBridge.CreateDevice;
        bool sawFirst = false;
        TapBridge.CreateDevice = name =>
        {
            if (name == v1)
            {
                sawFirst = TapDevice.Exists(v0);
                throw new TapException($"{name}: injected failure");
            }
            return original(name);
        };
        try
        {
            var options = new TapBridgeOptions { Config = Parse(ConfigJson([Vm0, Vm1], [])), Prefix = Prefix, ControlSocket = socket };
            var e = Assert.Throws<TapException>(() => TapBridge.Create(options));
            Assert.That(e!.Message, Is.EqualTo($"{v1}: injected failure"));
        }
        finally
        {
            TapBridge.CreateDevice = original;
        }
        Assert.That(sawFirst, Is.True, "the first device existed when the second failed");
        Assert.That(TapDevice.Exists(v0) || TapDevice.Exists(TapBridge.UnderlayDeviceName(Prefix)), Is.False, "the first device was removed again");
        Assert.That(File.Exists(socket), Is.False, "the control socket was removed again");
        Directory.Delete(Path.GetDirectoryName(socket)!, true);
    }

    [Test]
    public void TapRefusesATakenDeviceNameWithOneLineAndCreatesNothing()
    {
        string ul = TapBridge.UnderlayDeviceName(Prefix);
        Host.Run("ip", ["tuntap", "add", "dev", ul, "mode", "tap"], Short); // persistent: someone else's device
        try
        {
            string dir = TestFiles.TempDir();
            string cfg = Path.Combine(dir, "bridge.json");
            File.WriteAllText(cfg, ConfigJson([Vm0], []));
            var o = new StringWriter();
            var e = new StringWriter();
            int code = NezhaApp.Run(["tap", "--config", cfg, "--prefix", Prefix, "--socket", Path.Combine(dir, "s.sock")], o, e);
            Assert.That(code, Is.EqualTo(ExitCodes.Failure));
            Assert.That(e.ToString().Trim(), Is.EqualTo($"nezha: {ul}: an interface with this name already exists"));
            Assert.That(TapDevice.Exists(TapBridge.VnicDeviceName(Prefix, 0)), Is.False, "nothing was created");
            Assert.That(File.Exists(Path.Combine(dir, "s.sock")), Is.False);
            Directory.Delete(dir, true);
        }
        finally
        {
            Host.Run("ip", ["link", "del", ul], Short, check: false);
        }
    }

    [Test]
    public void TapCommandServesStatsAndCleansUpOnSigterm()
    {
        string dir = TestFiles.TempDir();
        Process? p = null;
        try
        {
            string cfg = Path.Combine(dir, "bridge.json");
            File.WriteAllText(cfg, ConfigJson([Vm0, Vm1], [RemoteVm]));
            string socket = Path.Combine(dir, "nz.sock");
            string cli = Path.Combine(AppContext.BaseDirectory, "nezha.dll");
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (string a in (string[])["exec", cli, "tap", "--config", cfg, "--prefix", Prefix, "--socket", socket,
                         "--capture", Path.Combine(dir, "cap"), "--verbosity", "quiet"])
                psi.ArgumentList.Add(a);
            p = Process.Start(psi)!;
            Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
            var sw = Stopwatch.StartNew();
            while (!File.Exists(socket) && !p.HasExited && sw.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(100);
            // the socket is bound before the devices are created; wait for the last one (the underlay)
            string ul = TapBridge.UnderlayDeviceName(Prefix);
            while (!TapDevice.Exists(ul) && !p.HasExited && sw.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(100);
            if (p.HasExited) Assert.Fail($"nezha tap exited early ({p.ExitCode}):\n{stderr.Result}");
            Assert.That(TapDevice.Exists(TapBridge.VnicDeviceName(Prefix, 0)) && TapDevice.Exists(TapBridge.VnicDeviceName(Prefix, 1)), Is.True);

            var o = new StringWriter();
            var e = new StringWriter();
            int code = NezhaApp.Run(["stats", "--socket", socket], o, e);
            Assert.That(code, Is.EqualTo(ExitCodes.Ok), e.ToString());
            Assert.That(o.ToString(), Does.Contain("TAP devices").And.Contain(ul).And.Contain("card counters"));
            code = NezhaApp.Run(["stats", "--socket", socket, "--json"], o = new StringWriter(), e);
            Assert.That(code, Is.EqualTo(ExitCodes.Ok), e.ToString());
            BridgeSnapshot snap = BridgeSnapshot.FromJson(o.ToString());
            Assert.That(snap.Taps.Select(t => t.Name), Is.EquivalentTo(new[] { TapBridge.VnicDeviceName(Prefix, 0), TapBridge.VnicDeviceName(Prefix, 1), ul }));
            Assert.That(snap.Checked, Is.True);

            Host.Run("kill", ["-TERM", p.Id.ToString()], Short);
            Assert.That(p.WaitForExit(TimeSpan.FromSeconds(30)), Is.True, "nezha tap stops on SIGTERM");
            p.WaitForExit();
            Assert.That(p.ExitCode, Is.EqualTo(0), $"stdout:\n{stdout.Result}\nstderr:\n{stderr.Result}");
            Assert.That(stdout.Result, Does.Contain("final counters").And.Contain("removed"));
            Assert.That(TapDevice.Exists(ul) || TapDevice.Exists(TapBridge.VnicDeviceName(Prefix, 0)), Is.False, "devices removed");
            Assert.That(File.Exists(socket), Is.False, "control socket removed");
            Assert.That(Directory.GetFiles(Path.Combine(dir, "cap"), "*.pcap"), Has.Length.EqualTo(3));
        }
        finally
        {
            if (p is { HasExited: false })
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(10_000);
            }
            p?.Dispose();
            Directory.Delete(dir, true);
        }
    }
}
