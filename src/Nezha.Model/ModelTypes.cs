using Nezha.Common.Registers;

namespace Nezha.Verify.Model;

/// <summary>A frame on one of the core's AXI-Stream ports. Port 0 = net, 1 = host.</summary>
public readonly record struct ModelFrame(int Port, byte[] Data, uint TUser)
{
    public const int Net = 0;
    public const int Host = 1;
    public int Length => Data.Length;
}

/// <summary>
/// What the model decided for one input frame. <see cref="Output"/> is null for a drop. An exception has
/// <see cref="Exception"/> set and the unchanged frame as output. <see cref="SlowPath"/> is true when the
/// frame missed in the session table (the slow path ran, whatever its outcome); <see cref="SessionHit"/> when
/// it hit.
/// </summary>
public sealed record ModelVerdict(DropReason Drop, ExceptionReason Exception, ModelFrame? Output, bool SlowPath, bool SessionHit)
{
    public bool Dropped => Drop != DropReason.None;
}

/// <summary>The per-vNIC counters of the VNIC_STATS block.</summary>
public sealed record VnicCounters(ulong RxPkts, ulong RxBytes, ulong TxPkts, ulong TxBytes, ulong NewFlows, ulong SlowCycles);
