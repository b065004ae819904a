using Nezha.Driver;
using Nezha.Driver.Config;
using Nezha.Driver.Registers;
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

    /// <summary>Per-vNIC counters of the configured vNICs that saw any traffic.</summary>
    public static Table? Vnics(IEnumerable<(VnicConfig Vnic, VnicCounters Counters)> rows)
    {
        var t = new Table().Title("vNIC counters").AddColumn("vNIC").AddColumn("VNI").AddColumn("IP");
        foreach (string c in (string[])["rx pkts", "rx bytes", "tx pkts", "tx bytes", "new flows", "slow cycles"])
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
}
