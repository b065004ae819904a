namespace Nezha.Verify.Cluster;

/// <summary>A node on the underlay: a NIC's net port or a software host, addressed by its VTEP IP.</summary>
public interface IFabricPort
{
    uint Vtep { get; }
    /// <summary>A frame arrives at <paramref name="time"/> (cluster cycles).</summary>
    void FromFabric(byte[] frame, ulong time);
}

/// <summary>Counters of the underlay.</summary>
public sealed class FabricStats
{
    public long Sent, Delivered, Unroutable;
    /// <summary>Frames lost because their source or destination was down (when sent or when due).</summary>
    public long DroppedDown;
    /// <summary>Of those: REQUEST and VERDICT context packets (each carries a client's packet) and probes.</summary>
    public long DroppedRequests, DroppedVerdicts, DroppedProbes;
}

/// <summary>
/// The simulated underlay: a frame sent by a node at cycle t arrives at the node that owns its outer
/// destination IP at t + <see cref="LatencyCycles"/> (one store-and-forward hop; no loss, no reordering per
/// pair, unlimited buffering). A node that is down neither sends nor receives: frames to or from it are
/// counted in <see cref="FabricStats.DroppedDown"/>.
/// </summary>
public sealed class Fabric
{
    private readonly Cluster _cluster;
    private readonly Dictionary<uint, IFabricPort> _ports = new();
    private readonly HashSet<uint> _down = new();

    internal Fabric(Cluster cluster, ulong latencyCycles)
    {
        _cluster = cluster;
        LatencyCycles = latencyCycles;
    }

    public ulong LatencyCycles { get; }
    public FabricStats Stats { get; } = new();

    /// <summary>Called for every frame handed to the fabric (source, frame, send time), before delivery.</summary>
    public Action<uint, byte[], ulong>? OnSend { get; set; }

    /// <summary>Called for every frame lost because an end was down.</summary>
    public Action<uint, uint, byte[], ulong>? OnDropDown { get; set; }

    public IReadOnlyCollection<IFabricPort> Ports => _ports.Values;

    public void Attach(IFabricPort port)
    {
        if (!_ports.TryAdd(port.Vtep, port))
            throw new ArgumentException($"VTEP {Nezha.Driver.NetFormat.Ip(port.Vtep)} is already on the fabric");
    }

    public bool IsDown(uint vtep) => _down.Contains(vtep);

    public void SetDown(uint vtep, bool down)
    {
        if (down) _down.Add(vtep); else _down.Remove(vtep);
    }

    /// <summary>Hands a frame to the fabric at <paramref name="time"/>.</summary>
    public void Send(uint fromVtep, byte[] frame, ulong time)
    {
        Stats.Sent++;
        OnSend?.Invoke(fromVtep, frame, time);
        if (!Wire.TryOuterDst(frame, out uint dst) || !_ports.TryGetValue(dst, out var port))
        {
            Stats.Unroutable++;
            return;
        }
        if (_down.Contains(fromVtep) || _down.Contains(dst))
        {
            Drop(fromVtep, dst, frame, time);
            return;
        }
        _cluster.At(time + LatencyCycles, t =>
        {
            if (_down.Contains(dst) || _down.Contains(fromVtep))
            {
                Drop(fromVtep, dst, frame, t);
                return;
            }
            Stats.Delivered++;
            port.FromFabric(frame, t);
        });
    }

    private void Drop(uint from, uint to, byte[] frame, ulong time)
    {
        Stats.DroppedDown++;
        if (Wire.TryTunnel(frame, out var tf) && tf.IsContext)
        {
            if (tf.ContextKind == Wire.KindRequest) Stats.DroppedRequests++;
            else if (tf.ContextKind == Wire.KindVerdict) Stats.DroppedVerdicts++;
            else Stats.DroppedProbes++;
        }
        OnDropDown?.Invoke(from, to, frame, time);
    }
}
