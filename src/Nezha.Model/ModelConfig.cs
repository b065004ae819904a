using Nezha.Common;

namespace Nezha.Verify.Model;

/// <summary>The CONFIG block (and CORE SCRATCH) as the datapath sees it. Written only through the register file.</summary>
public sealed class ModelConfig
{
    public const int IdleTimeoutReset = 1000;
    public const int CloseTimeoutReset = 100;
    public const uint TickCyclesReset = 1000;

    /// <summary>Bytes an encapsulation adds to a frame (datapath-spec 4.1): VM_MTU resets to MTU_MAX less this.</summary>
    public const int EncapOverhead = 50;

    internal ModelConfig(NicParams p)
    {
        Mtu = p.MtuMax;
        VmMtu = p.MtuMax - EncapOverhead;
    }

    public uint NicMacLo { get; internal set; }
    public uint NicMacHi { get; internal set; }
    public uint VtepIp { get; internal set; }
    public uint NhMacLo { get; internal set; }
    public uint NhMacHi { get; internal set; }
    public uint GwMacLo { get; internal set; }
    public uint GwMacHi { get; internal set; }
    public int Mtu { get; internal set; }
    /// <summary>VM_MTU: the largest frame from or to a VM.</summary>
    public int VmMtu { get; internal set; }
    public int IdleTimeout { get; internal set; } = IdleTimeoutReset;
    public int CloseTimeout { get; internal set; } = CloseTimeoutReset;
    public uint TickCycles { get; internal set; } = TickCyclesReset;
    public uint Scratch { get; internal set; }

    public ulong NicMac => ((ulong)NicMacHi << 32) | NicMacLo;
    public ulong NhMac => ((ulong)NhMacHi << 32) | NhMacLo;
    public ulong GwMac => ((ulong)GwMacHi << 32) | GwMacLo;
}
