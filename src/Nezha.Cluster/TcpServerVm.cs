using Nezha.Verify.Sim;
using Nezha.Verify.Testbench;

namespace Nezha.Verify.Cluster;

/// <summary>
/// The heavy VM: a minimal TCP responder on a NIC's host port. Per connection it answers SYN with SYN-ACK,
/// data with an ACK of everything received, FIN with FIN-ACK, and forgets the connection at the last ACK.
/// Retransmitted segments are answered again. It answers <see cref="ResponseDelay"/> cycles after the frame
/// left the NIC (its stack's latency; it has no throughput limit).
/// </summary>
public sealed class TcpServerVm : IHostVm
{
    private enum St { SynRcvd, Est, LastAck }

    private sealed class Conn
    {
        public St State;
        public uint Isn, RcvNext;
    }

    private readonly Dictionary<(uint Ip, ushort Port), Conn> _conns = new();

    /// <param name="nic">the NIC whose host port the VM sits on; null: answers go to <see cref="Transmit"/> only
    /// (a VM without a NIC, for testing the state machine).</param>
    public TcpServerVm(Cluster cluster, ClusterNic? nic, int vnic, uint vni, uint ip, ulong mac, ulong gatewayMac, ushort port, ulong responseDelay)
    {
        Vnic = vnic;
        Vni = vni;
        Ip = ip;
        Mac = mac;
        GatewayMac = gatewayMac;
        Port = port;
        ResponseDelay = responseDelay;
        if (nic != null)
        {
            cluster.AttachVm(nic, vnic, this, responseDelay);
            Transmit = (f, t) => cluster.PushAt(nic, SimNic.PortHost, f, (uint)vnic, t);
        }
    }

    /// <summary>Sends a frame from the VM at a time (into its NIC's host port).</summary>
    public Action<byte[], ulong>? Transmit { get; set; }

    public int Vnic { get; }
    public uint Vni { get; }
    public uint Ip { get; }
    public ulong Mac { get; }
    public ulong GatewayMac { get; }
    public ushort Port { get; }
    public ulong ResponseDelay { get; }

    public long SynsReceived { get; private set; }
    public long DuplicateSyns { get; private set; }
    public long DataSegments { get; private set; }
    public long Closed { get; private set; }
    public long Stray { get; private set; }
    public int OpenConnections => _conns.Count;

    /// <summary>Every segment delivered to the VM: (segment, delivery time).</summary>
    public Action<TcpSegment, ulong>? OnSegment { get; set; }

    public void FromNic(byte[] frame, uint tuser, ulong time)
    {
        if (!Wire.TryTcp(frame, 0, out var s) || s.DstIp != Ip || s.DstPort != Port)
        {
            Stray++;
            return;
        }
        OnSegment?.Invoke(s, time);
        var key = (s.SrcIp, s.SrcPort);
        _conns.TryGetValue(key, out var c);
        ulong at = time + ResponseDelay;
        if (s.Has(TcpFlags.Syn))
        {
            SynsReceived++;
            if (c == null)
            {
                c = new Conn { State = St.SynRcvd, Isn = (uint)(s.Seq * 2654435761u) ^ 0x5EED, RcvNext = s.Seq + 1 };
                _conns[key] = c;
            }
            else DuplicateSyns++;
            if (c.State == St.SynRcvd) Reply(s, TcpFlags.Syn | TcpFlags.Ack, c.Isn, c.RcvNext, at);
            return;
        }
        if (c == null)
        {
            Stray++;
            return;
        }
        if (s.Has(TcpFlags.Fin))
        {
            c.RcvNext = s.Seq + (uint)s.PayloadLength + 1;
            c.State = St.LastAck;
            Reply(s, TcpFlags.Fin | TcpFlags.Ack, c.Isn + 1, c.RcvNext, at);
            return;
        }
        if (c.State == St.LastAck)
        {
            if (s.Has(TcpFlags.Ack) && s.Ack == c.Isn + 2)
            {
                _conns.Remove(key);
                Closed++;
            }
            return;
        }
        if (c.State == St.SynRcvd && s.Has(TcpFlags.Ack)) c.State = St.Est;
        if (s.PayloadLength > 0)
        {
            DataSegments++;
            uint end = s.Seq + (uint)s.PayloadLength;
            if ((int)(end - c.RcvNext) > 0) c.RcvNext = end;
            Reply(s, TcpFlags.Ack, c.Isn + 1, c.RcvNext, at);
        }
    }

    private void Reply(TcpSegment to, byte flags, uint seq, uint ack, ulong at)
    {
        var f = Wire.TcpFrame(GatewayMac, Mac, Ip, to.SrcIp, Port, to.SrcPort, flags, seq, ack, 0);
        Transmit?.Invoke(f, at);
    }
}

/// <summary>
/// Background load on a NIC: a VM that opens a new UDP flow every <see cref="Interval"/> cycles (one packet
/// each) to a sink host, so its NIC's slow path is busy with its own work.
/// </summary>
public sealed class BackgroundVm : IHostVm
{
    private readonly Cluster _c;
    private readonly ClusterNic _nic;
    private int _n;

    public BackgroundVm(Cluster cluster, ClusterNic nic, int vnic, uint ip, ulong mac, ulong gatewayMac, uint sinkIp, ulong interval)
    {
        _c = cluster;
        _nic = nic;
        Vnic = vnic;
        Ip = ip;
        Mac = mac;
        GatewayMac = gatewayMac;
        SinkIp = sinkIp;
        Interval = interval;
        cluster.AttachVm(nic, vnic, this, cluster.ChunkCycles);
    }

    public int Vnic { get; }
    public uint Ip { get; }
    public ulong Mac { get; }
    public ulong GatewayMac { get; }
    public uint SinkIp { get; }
    public ulong Interval { get; }
    public long Sent => _n;
    public bool Running { get; private set; }

    public void Start(ulong time)
    {
        if (Interval == 0 || Running) return;
        Running = true;
        _c.At(time, Tick);
    }

    public void Stop() => Running = false;

    private void Tick(ulong t)
    {
        if (!Running || _nic.Dead) return;
        int i = _n++;
        var f = FrameBuilder.Ethernet(GatewayMac, Mac, 0x0800,
            FrameBuilder.Ipv4(Ip, SinkIp, IpProto.Udp, FrameBuilder.Udp((ushort)(1024 + (i % 60000)), (ushort)(2000 + (i / 60000) % 60000), FrameBuilder.Payload(18))));
        _c.PushAt(_nic, SimNic.PortHost, f, (uint)Vnic, t);
        _c.At(t + Interval, Tick);
    }

    public void FromNic(byte[] frame, uint tuser, ulong time) { }
}

/// <summary>A host on the fabric that absorbs everything sent to it.</summary>
public sealed class SinkHost(uint vtep) : IFabricPort
{
    public uint Vtep { get; } = vtep;
    public long Received { get; private set; }
    public void FromFabric(byte[] frame, ulong time) => Received++;
}
