using Nezha.Driver;
using Nezha.Driver.Config;
using Nezha.Common.Registers;
using Nezha.Verify.Tap;
using Spectre.Console;

namespace Nezha.Cli.Output;

/// <summary>Counter summaries as Spectre.Console tables.</summary>
public static class SummaryTables
{
    /// <summary>The non-zero STATS counters, in index order.</summary>
    public static Table Stats(IEnumerable<KeyValuePair<StatIndex, ulong>> stats)
    {
        var t = new Table().Title("card counters (non-zero)").AddColumn("counter").AddColumn("index")
            .AddColumn(new TableColumn("value").RightAligned());
        foreach (var (index, value) in stats.Where(s => s.Value != 0).OrderBy(s => s.Key))
            t.AddRow(Markup.Escape(index.ToString()), ((int)index).ToString(), value.ToString("N0"));
        if (t.Rows.Count == 0) t.AddRow("(all zero)", "", "");
        return t;
    }

    /// <summary>
    /// Per-vNIC counters of the configured vNICs that saw any traffic. The card's RX/TX are named from the VM's
    /// side: "from VM" is what the VM sent (the card's RX), "to VM" what the card delivered to it (TX).
    /// </summary>
    public static Table? Vnics(IEnumerable<(VnicConfig Vnic, VnicCounters Counters)> rows)
    {
        var t = new Table().Title("vNIC counters (from VM: sent by the VM into the card; to VM: delivered to the VM)")
            .AddColumn("vNIC").AddColumn("VNI").AddColumn("IP");
        foreach (string c in (string[])["from VM frames", "from VM bytes", "to VM frames", "to VM bytes", "new flows", "slow-path cycles"])
            t.AddColumn(new TableColumn(c).RightAligned());
        foreach (var (v, c) in rows)
        {
            if (c == new VnicCounters(0, 0, 0, 0, 0, 0)) continue;
            t.AddRow(v.Id.ToString(), v.Entry.Vni.ToString(), NetFormat.Ip(v.Entry.Ip),
                c.RxPkts.ToString("N0"), c.RxBytes.ToString("N0"), c.TxPkts.ToString("N0"), c.TxBytes.ToString("N0"),
                c.NewFlows.ToString("N0"), c.SlowCycles.ToString("N0"));
        }
        return t.Rows.Count == 0 ? null : t;
    }

    /// <summary>Frames delivered on the host port, by vNIC and reason (0 = normal delivery, else an exception).</summary>
    public static Table? HostDeliveries(IEnumerable<uint> tusers, int vnicWidth)
    {
        uint mask = (1u << vnicWidth) - 1;
        var groups = tusers.GroupBy(u => (Vnic: u & mask, Reason: (u >> vnicWidth) & 0xFF))
            .OrderBy(g => g.Key.Vnic).ThenBy(g => g.Key.Reason).ToList();
        if (groups.Count == 0) return null;
        var t = new Table().Title("host port output").AddColumn("vNIC").AddColumn("reason")
            .AddColumn(new TableColumn("frames").RightAligned());
        foreach (var g in groups)
        {
            string reason = g.Key.Reason == 0 ? "delivered" : $"exception {(ExceptionReason)g.Key.Reason}";
            t.AddRow(g.Key.Vnic.ToString(), Markup.Escape(reason), g.Count().ToString("N0"));
        }
        return t;
    }

    /// <summary>
    /// The TAP devices of a bridge: frames each way and the frames lost on the way — in: dropped by the kernel
    /// before the bridge read them (the device's TX queue was full), out: dropped by the kernel after the bridge
    /// wrote them, or not written (refused, or the device was gone) — and the times reading was held back.
    /// </summary>
    public static Table BridgeDevices(BridgeSnapshot s)
    {
        var t = new Table().Title("TAP devices").AddColumn(new TableColumn("device").NoWrap()).AddColumn(new TableColumn("attached to").NoWrap())
            .Caption("in: from the namespace to the card, out: from the card. lost: dropped by the kernel (in: the device's queue " +
                     "was full before the bridge read them; out: on receipt); not written: writes refused or the device gone");
        foreach (string c in (string[])["in frames", "in bytes", "in lost", "out frames", "out bytes", "out lost", "not written", "held back"])
            t.AddColumn(new TableColumn(c).RightAligned());
        foreach (TapSnapshot d in s.Taps)
            t.AddRow(Markup.Escape(d.Name + (d.Alive ? "" : " (gone)")), Markup.Escape(d.Role),
                d.FramesIn.ToString("N0"), d.BytesIn.ToString("N0"), d.KernelTxDropped?.ToString("N0") ?? "?",
                d.FramesOut.ToString("N0"), d.BytesOut.ToString("N0"), d.KernelRxDropped?.ToString("N0") ?? "?",
                (d.WriteErrors + d.Unwritten).ToString("N0"), d.Deferred.ToString("N0"));
        return t;
    }

    /// <summary>Everything a bridge snapshot holds: card counters, vNIC counters, devices, exceptions, the check.</summary>
    public static void WriteSnapshot(IAnsiConsole console, BridgeSnapshot s)
    {
        console.MarkupLineInterpolated(
            $"[bold]bridge[/] w{s.Width} card, up {TimeSpan.FromSeconds(Math.Round(s.UptimeSeconds))}, {s.Cycles:N0} cycles, {s.TicksIssued:N0} tick pulses; clock: {s.Clock}");
        console.Write(Stats(s.Stats.Select(v => new KeyValuePair<StatIndex, ulong>((StatIndex)v.Index, v.Value))));
        if (Vnics(s.Vnics.Select(v => (new VnicConfig(v.Id, v.Entry), v.Counters))) is { } vt) console.Write(vt);
        console.Write(BridgeDevices(s));
        var host = new Table().Title("handled by the bridge (host software)").AddColumn("what")
            .AddColumn(new TableColumn("frames").RightAligned());
        foreach (ReasonCount e in s.Exceptions) host.AddRow(Markup.Escape($"exception {e.Reason}"), e.Frames.ToString("N0"));
        host.AddRow("ARP replies for the VTEP (underlay)", s.UnderlayArpReplies.ToString("N0"));
        if (s.Undeliverable > 0) host.AddRow("frames for a vNIC without a device", s.Undeliverable.ToString("N0"));
        console.Write(host);
        long lostIn = s.Taps.Sum(t => t.KernelTxDropped ?? 0), lostOut = s.Taps.Sum(t => t.KernelRxDropped ?? 0);
        long unwritten = s.Taps.Sum(t => t.WriteErrors + t.Unwritten) + s.Undeliverable;
        if (lostIn > 0)
            console.MarkupLineInterpolated($"[yellow]{lostIn:N0} frame(s) sent by the namespaces never reached the card: the kernel dropped them in the TAP queues (the card took frames slower than they came)[/]");
        if (lostOut + unwritten > 0)
            console.MarkupLineInterpolated($"[yellow]{lostOut + unwritten:N0} frame(s) the card emitted never reached a namespace: {lostOut:N0} dropped by the kernel on receipt, {unwritten:N0} not written by the bridge[/]");
        if (!s.Checked)
            console.MarkupLine("golden-model check: off");
        else if (s.Mismatches == 0)
            console.MarkupLineInterpolated($"[green]golden-model check: {s.FramesChecked:N0} output frames and every counter read agree[/]");
        else
        {
            console.MarkupLineInterpolated($"[red bold]golden-model check: {s.Mismatches} mismatch(es) between the RTL and the model[/]");
            foreach (string m in s.FirstMismatches) console.WriteLine(m);
        }
        if (s.ProtocolErrors > 0)
            console.MarkupLineInterpolated($"[red bold]{s.ProtocolErrors} AXI protocol violation(s) on the outputs[/]");
    }
}
