using Nezha.Verify.Testbench;

namespace Nezha.Verify.Cluster;

public enum ClientState { SynSent, DataSent, FinWait, Done, Open, Failed }

/// <summary>
/// One client TCP connection. A short connection runs SYN -> (SYN-ACK) -> ACK + data -> (ACK) -> FIN ->
/// (FIN-ACK) -> ACK and is then done; a long one stays open after the handshake and sends a data segment
/// whenever the test asks (<see cref="TcpClientHost.SendData"/>). Every segment that needs an answer is
/// retransmitted after the host's RTO until answered.
/// </summary>
public sealed class TcpClientConn
{
    internal TcpClientConn(int id, ClientVm vm, ushort port, bool longLived, uint isn, uint hash)
    {
        Id = id;
        Vm = vm;
        Port = port;
        LongLived = longLived;
        Isn = isn;
        Hash = hash;
    }

    public int Id { get; }
    public ClientVm Vm { get; }
    public ushort Port { get; }
    public bool LongLived { get; }
    public uint Isn { get; }
    /// <summary>Session hash H of the flow (docs/datapath-spec.md 4.6).</summary>
    public uint Hash { get; }
    public ClientState State { get; internal set; }
    public ulong OpenedAt { get; internal set; }
    public ulong EstablishedAt { get; internal set; }
    public ulong DoneAt { get; internal set; }
    public int SynRetransmits { get; internal set; }
    /// <summary>Retransmissions after the handshake (data, FIN): a packet of an established connection was lost.</summary>
    public int EstablishedRetransmits { get; internal set; }
    public long DataSent { get; internal set; }
    public long DataAcked { get; internal set; }
    public ulong LastDataSentAt { get; internal set; }
    public ulong LastAckAt { get; internal set; }
    /// <summary>Client time when the outstanding segment was first sent (0 = none outstanding).</summary>
    internal ulong OutstandingSince;
    internal uint SndNext, RcvNext;
    internal int Epoch;              // bumps on every state change; timers compare it
    internal byte[]? Outstanding;    // the segment to retransmit

    public bool IsEstablished => State is ClientState.Open or ClientState.DataSent or ClientState.FinWait or ClientState.Done;
}

/// <summary>A client VM on a client host.</summary>
public sealed record ClientVm(uint Vni, uint Ip, ulong Mac);

/// <summary>What a client host connects to: the heavy VM, reached through the BE's VTEP.</summary>
public sealed record ServiceAddress(uint Vni, uint Ip, ulong Mac, ushort Port, uint Vtep);

/// <summary>Aggregate results of all client hosts of a run.</summary>
public sealed class ClientStats
{
    public long Opened, Established, Completed, SynRetransmits, EstablishedRetransmits, Failed;
    /// <summary>Called when a short connection completes (its FIN-ACK was answered) or a long one is established.</summary>
    public Action<TcpClientConn, ulong>? OnDone, OnEstablished;
    /// <summary>Called when a data segment of a long connection is acknowledged (connection, send time, ack time).</summary>
    public Action<TcpClientConn, ulong, ulong>? OnDataAcked;
}

/// <summary>
/// A remote hypervisor on the fabric (its own VTEP) hosting client VMs. It speaks VXLAN like any host: its
/// clients' segments are encapsulated to the service's VTEP (the BE), replies arrive encapsulated by the NIC.
/// </summary>
public sealed class TcpClientHost : IFabricPort
{
    private readonly Cluster _c;
    private readonly Dictionary<(uint Ip, ushort Port), TcpClientConn> _conns = new();
    private readonly ClientStats _stats;
    private readonly ulong _routerMac;

    public TcpClientHost(Cluster cluster, uint vtep, ulong routerMac, ServiceAddress service, IReadOnlyList<ClientVm> vms,
                         ClientStats stats, ulong rtoCycles, int dataBytes = 64)
    {
        _c = cluster;
        Vtep = vtep;
        _routerMac = routerMac;
        Service = service;
        Vms = vms;
        _stats = stats;
        RtoCycles = rtoCycles;
        DataBytes = dataBytes;
    }

    public uint Vtep { get; }
    public ServiceAddress Service { get; }
    public IReadOnlyList<ClientVm> Vms { get; }
    public ulong RtoCycles { get; }
    public int DataBytes { get; }
    /// <summary>Give up on a connection after this many retransmissions of one segment.</summary>
    public int MaxRetransmits { get; set; } = 50;
    /// <summary>Frames received that belong to no connection (or are not TCP in a tunnel).</summary>
    public long Stray { get; private set; }
    public IEnumerable<TcpClientConn> Connections => _conns.Values;

    /// <summary>Opens a connection from <paramref name="vm"/>:<paramref name="port"/> at <paramref name="time"/>.</summary>
    public TcpClientConn Open(int id, ClientVm vm, ushort port, bool longLived, ulong time)
    {
        uint isn = (uint)(id * 7919 + 1000);
        uint hash = Wire.SessionHash(vm.Vni, IpProto.Tcp, vm.Ip, port, Service.Ip, Service.Port);
        var c = new TcpClientConn(id, vm, port, longLived, isn, hash) { OpenedAt = time, SndNext = isn + 1 };
        if (!_conns.TryAdd((vm.Ip, port), c))
            throw new InvalidOperationException($"client {Nezha.Driver.NetFormat.Ip(vm.Ip)}:{port} already has a connection");
        _stats.Opened++;
        Send(c, TcpFlags.Syn, isn, 0, 0, time, expectAnswer: true);
        return c;
    }

    /// <summary>Sends one data segment on an open long connection (it waits for its ACK, retransmitting).</summary>
    public void SendData(TcpClientConn c, ulong time)
    {
        if (c.State != ClientState.Open || c.Outstanding != null) return;
        c.DataSent++;
        c.LastDataSentAt = time;
        uint seq = c.SndNext;
        c.SndNext += (uint)DataBytes;
        Send(c, TcpFlags.Psh | TcpFlags.Ack, seq, c.RcvNext, DataBytes, time, expectAnswer: true);
    }

    /// <summary>Forgets finished connections (keeps memory flat in long runs).</summary>
    public void Forget(TcpClientConn c) => _conns.Remove((c.Vm.Ip, c.Port));

    public void FromFabric(byte[] frame, ulong time)
    {
        if (!Wire.TryTunnel(frame, out var t) || !Wire.TryTcp(frame, t.InnerOffset, out var s)
            || !_conns.TryGetValue((s.DstIp, s.DstPort), out var c))
        {
            Stray++;
            return;
        }
        switch (c.State)
        {
            case ClientState.SynSent when s.Has(TcpFlags.Syn | TcpFlags.Ack) && s.Ack == c.Isn + 1:
                c.RcvNext = s.Seq + 1;
                c.EstablishedAt = time;
                _stats.Established++;
                Answered(c);
                Send(c, TcpFlags.Ack, c.SndNext, c.RcvNext, 0, time, expectAnswer: false);
                if (c.LongLived)
                {
                    c.State = ClientState.Open;
                    _stats.OnEstablished?.Invoke(c, time);
                }
                else
                {
                    c.State = ClientState.DataSent;
                    uint seq = c.SndNext;
                    c.SndNext += (uint)DataBytes;
                    Send(c, TcpFlags.Psh | TcpFlags.Ack, seq, c.RcvNext, DataBytes, time, expectAnswer: true);
                }
                break;
            case ClientState.DataSent when s.Has(TcpFlags.Ack) && !s.Has(TcpFlags.Syn) && s.Ack == c.SndNext:
                Answered(c);
                c.State = ClientState.FinWait;
                Send(c, TcpFlags.Fin | TcpFlags.Ack, c.SndNext, c.RcvNext, 0, time, expectAnswer: true);
                c.SndNext++;
                break;
            case ClientState.FinWait when s.Has(TcpFlags.Fin | TcpFlags.Ack) && s.Ack == c.SndNext:
                Answered(c);
                c.RcvNext = s.Seq + 1;
                Send(c, TcpFlags.Ack, c.SndNext, c.RcvNext, 0, time, expectAnswer: false);
                c.State = ClientState.Done;
                c.DoneAt = time;
                _stats.Completed++;
                _stats.OnDone?.Invoke(c, time);
                break;
            case ClientState.Open when s.Has(TcpFlags.Ack) && !s.Has(TcpFlags.Syn) && s.Ack == c.SndNext && c.Outstanding != null:
                ulong sentAt = c.OutstandingSince;
                Answered(c);
                c.DataAcked++;
                c.LastAckAt = time;
                _stats.OnDataAcked?.Invoke(c, sentAt, time);
                break;
            case ClientState.Done or ClientState.Open when s.Has(TcpFlags.Syn | TcpFlags.Ack) || s.Has(TcpFlags.Fin):
                // a retransmitted SYN-ACK or FIN-ACK: our ACK was lost; answer again
                Send(c, TcpFlags.Ack, c.SndNext, c.RcvNext, 0, time, expectAnswer: false);
                break;
            default:
                break; // duplicate or late answer
        }
    }

    private void Answered(TcpClientConn c)
    {
        c.Outstanding = null;
        c.OutstandingSince = 0;
        c.Epoch++;
    }

    private void Send(TcpClientConn c, byte flags, uint seq, uint ack, int payload, ulong time, bool expectAnswer)
    {
        var inner = Wire.TcpFrame(Service.Mac, c.Vm.Mac, c.Vm.Ip, Service.Ip, c.Port, Service.Port, flags, seq, ack, payload);
        var frame = Wire.Vxlan(_routerMac, _routerMac ^ 1, Vtep, Service.Vtep, c.Vm.Vni, inner, (ushort)c.Hash);
        _c.Fabric.Send(Vtep, frame, time);
        if (!expectAnswer) return;
        c.Outstanding = frame;
        c.OutstandingSince = time;
        int epoch = ++c.Epoch;
        Arm(c, epoch, time, 0);
    }

    private void Arm(TcpClientConn c, int epoch, ulong time, int tries) => _c.At(time + RtoCycles, t =>
    {
        if (c.Epoch != epoch || c.Outstanding == null) return;
        if (tries >= MaxRetransmits)
        {
            c.State = ClientState.Failed;
            c.Outstanding = null;
            _stats.Failed++;
            return;
        }
        if (c.State == ClientState.SynSent) { c.SynRetransmits++; _stats.SynRetransmits++; }
        else { c.EstablishedRetransmits++; _stats.EstablishedRetransmits++; }
        _c.Fabric.Send(Vtep, c.Outstanding, t);
        Arm(c, epoch, t, tries + 1);
    });
}
