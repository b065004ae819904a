using System.Text;
using Nezha.Driver;
using Nezha.Driver.Config;
using Nezha.Common.Registers;
using Nezha.Verify.Model;
using Nezha.Verify.Pcap;
using Nezha.Verify.Sim;

namespace Nezha.Cli.Replay;

/// <summary>
/// A replay as one pcapng file, so Wireshark shows where each frame went. Interfaces: <c>net</c> (the underlay
/// port), <c>host</c> (the host CPU: frames the card hands up as exceptions) and <c>vnicN</c> per vNIC of the
/// config. Every frame the card emitted is on the interface it went to, direction outbound; an exception carries
/// the comment <c>exception to host: REASON (vNIC n)</c>. Every input frame the card dropped is on the interface
/// it came in on (<c>net</c>, or the sending vNIC's), direction inbound, with the comment
/// <c>dropped: REASON (input frame n)</c>. Frames are in the order of the card's cycle; a timestamp is the cycle
/// divided by the clock.
/// </summary>
/// <summary>Frames written on one interface of the replay's pcapng: emitted by the card, and dropped inputs.</summary>
public sealed record InterfaceCount(string Name, int FramesOut, int DroppedIn);

public static class ReplayCapture
{
    public const string NetInterface = "net", HostInterface = "host";

    public static string VnicInterface(int id) => $"vnic{id}";

    /// <summary>Writes the interfaces and frames (<paramref name="input"/>: the capture that was replayed); returns
    /// what was written on each interface, in interface order.</summary>
    public static IReadOnlyList<InterfaceCount> Write(PcapNgWriter w, ReplayResult r, IReadOnlyList<CaptureFrame> input, NicConfig config,
        int inputPort, int inputVnic, double clockMhz, int vnicWidth)
    {
        var outCount = new List<int>();
        var dropCount = new List<int>();
        void Count(List<int> counts, int ifc)
        {
            while (counts.Count <= ifc) counts.Add(0);
            counts[ifc]++;
        }

        int net = w.AddInterface(NetInterface, "underlay port: frames the card sent on m_net; inbound: frames from s_net it dropped");
        int host = w.AddInterface(HostInterface, "host CPU: frames the card handed up on m_host with an exception reason");
        var vnics = new Dictionary<int, int>();
        foreach (VnicConfig v in config.Vnics.OrderBy(v => v.Id))
            vnics[v.Id] = w.AddInterface(VnicInterface(v.Id),
                $"vNIC {v.Id} (VNI {v.Entry.Vni}, {NetFormat.Ip(v.Entry.Ip)}, {NetFormat.Mac(v.Entry.Mac)}{(v.Entry.Enabled ? "" : ", disabled")}): " +
                "frames delivered to it on m_host; inbound: frames from it the card dropped");
        int VnicIfc(int id) => vnics.TryGetValue(id, out int i) ? i
            : vnics[id] = w.AddInterface(VnicInterface(id), $"vNIC {id} (not in the config)");

        // every record with its cycle; ties keep the order outputs, then drops (a frame leaves after it retired)
        var order = new List<(ulong Cycle, int Source, int Index)>(r.Net.Count + r.Host.Count + r.Inputs.Count);
        for (int i = 0; i < r.Net.Count; i++) order.Add((r.Net[i].Cycle, 0, i));
        for (int i = 0; i < r.Host.Count; i++) order.Add((r.Host[i].Cycle, 1, i));
        for (int i = 0; i < r.Inputs.Count; i++)
            if (r.Inputs[i].Verdict.Dropped) order.Add((r.Inputs[i].Cycle, 2, i));
        order.Sort();

        uint mask = (1u << vnicWidth) - 1;
        foreach (var (cycle, source, index) in order)
        {
            ulong ns = (ulong)Math.Round(cycle * 1000.0 / clockMhz);
            switch (source)
            {
                case 0:
                    w.Write(net, r.Net[index].Data, ns, PacketDirection.Outbound);
                    Count(outCount, net);
                    break;
                case 1:
                {
                    SimFrame f = r.Host[index];
                    int vnic = (int)(f.TUser & mask);
                    int reason = (int)((f.TUser >> vnicWidth) & 0xFF);
                    int ifc = reason == 0 ? VnicIfc(vnic) : host;
                    w.Write(ifc, f.Data, ns, PacketDirection.Outbound,
                        reason == 0 ? null : $"exception to host: {SpecName((ExceptionReason)reason)} (vNIC {vnic})");
                    Count(outCount, ifc);
                    break;
                }
                default:
                {
                    InputFate fate = r.Inputs[index];
                    int ifc = inputPort == PcapReplay.NetPort ? net : VnicIfc(inputVnic);
                    w.Write(ifc, input[fate.Record - 1].Data.Span, ns, PacketDirection.Inbound,
                        $"dropped: {SpecName(fate.Verdict.Drop)} (input frame {fate.Record})");
                    Count(dropCount, ifc);
                    break;
                }
            }
        }
        return Enumerable.Range(0, w.Interfaces.Count)
            .Select(i => new InterfaceCount(w.Interfaces[i], i < outCount.Count ? outCount[i] : 0, i < dropCount.Count ? dropCount[i] : 0))
            .ToList();
    }

    /// <summary>A reason as the spec writes it: <c>AclDeny</c> → <c>ACL_DENY</c>; a code without a name as its number.</summary>
    public static string SpecName<T>(T reason) where T : struct, Enum
    {
        if (!Enum.IsDefined(reason)) return Convert.ToInt32(reason).ToString();
        string name = reason.ToString();
        var sb = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i])) sb.Append('_');
            sb.Append(char.ToUpperInvariant(name[i]));
        }
        return sb.ToString();
    }
}
