using Nezha.Driver;
using Nezha.Common.Registers;
using Nezha.Verify.Model;
using Nezha.Verify.Sim;

namespace Nezha.Verify.Testbench;

/// <summary>
/// A register transport that performs every access on both the RTL model and the golden model and records
/// any difference in response or read data. Registers whose value depends on time (cycle and tick counters)
/// or on when the background sweeper ran (session occupancy, aged count, session read-back) are compared
/// only while <see cref="AgingSettled"/> is true. Counters (STATS and VNIC_STATS) read while a frame is inside the
/// pipeline (<see cref="FramesInFlight"/>) are not compared: the RTL counts a frame stage by stage (a new flow at
/// its insert, the packet at its output), the model when the frame retires. Counters are cumulative, so the next
/// read with no frame in flight, and <see cref="NicBench.CompareCounters"/>, check what such a read skipped.
/// </summary>
public sealed class MirrorTransport : IRegisterTransport
{
    private readonly SimNic _sim;
    private readonly NicModel _model;
    private readonly List<string> _errors;

    public MirrorTransport(SimNic sim, NicModel model, List<string> errors)
    {
        _sim = sim;
        _model = model;
        _errors = errors;
    }

    /// <summary>True after the sweeper and the model agree on which expired entries are gone.</summary>
    public bool AgingSettled { get; set; } = true;

    /// <summary>True while frames sent to the RTL have not retired (reads of live counters are then not compared).</summary>
    public Func<bool>? FramesInFlight { get; set; }

    public int Accesses { get; private set; }

    /// <summary>
    /// Called before every access, before the RTL sees it. <see cref="NicBench"/> uses it to replay on the model
    /// every frame the RTL has retired so far, so that the model sees a register write after exactly the frames
    /// the RTL retired before it (a write under traffic: offload entries, FE groups).
    /// </summary>
    public Action? BeforeAccess { get; set; }

    /// <summary>
    /// Called after the RTL performed a write and before the model does. <see cref="NicBench"/> replays there the
    /// frames the RTL retired before the write's commit record (a table write commits between frames).
    /// </summary>
    public Action? AfterRtlWrite { get; set; }

    public RegResp Write32(uint addr, uint data) => Write32(addr, data, 0xF);

    public RegResp Write32(uint addr, uint data, uint wstrb)
    {
        BeforeAccess?.Invoke();
        Accesses++;
        uint rs = _sim.RegWrite(addr, data, wstrb);
        AfterRtlWrite?.Invoke();
        uint rm = _model.RegWrite(addr, data, wstrb);
        if (rs != rm)
            _errors.Add($"register write 0x{addr:X4} <- 0x{data:X8} (wstrb {wstrb:X}): RTL answered {rs}, model {rm}");
        return (RegResp)rs;
    }

    public RegResp Read32(uint addr, out uint data)
    {
        BeforeAccess?.Invoke();
        Accesses++;
        uint rs = _sim.RegRead(addr, out uint ds);
        uint rm = _model.RegRead(addr, out uint dm);
        data = ds;
        if (rs != rm)
            _errors.Add($"register read 0x{addr:X4}: RTL answered {rs}, model {rm}");
        else if (ds != dm && Compared(addr))
            _errors.Add($"register read 0x{addr:X4}: RTL 0x{ds:X8}, model 0x{dm:X8}");
        return (RegResp)rs;
    }

    private bool Compared(uint addr)
    {
        if (addr == NezhaRegs.CORE_CYCLES_LO || addr == NezhaRegs.CORE_CYCLES_HI || addr == NezhaRegs.CONFIG_TICK_NOW)
            return false;
        // session read-back is compared slot by slot by NicBench.CompareSessionTable (invalid slots only by VALID)
        if (addr >= NezhaRegs.SESSION_BASE + NezhaRegs.TBL_DATA && addr < NezhaRegs.SESSION_BASE + NezhaRegs.TBL_DATA + 64)
            return false;
        bool counter = addr >= NezhaRegs.STATS_COUNTER_BASE && addr < NezhaRegs.STATS_COUNTER_BASE + 8 * NezhaRegs.STATS_COUNT
                       || addr >= NezhaRegs.VNIC_STATS_RX_PKTS && addr < NezhaRegs.VNIC_STATS_SLOW_CYCLES + 8;
        if (counter && FramesInFlight?.Invoke() == true) return false;
        if (AgingSettled) return true;
        uint aged = NezhaRegs.STATS_COUNTER_BASE + 8 * (uint)StatIndex.SessAged;
        uint occ = NezhaRegs.STATS_COUNTER_BASE + 8 * (uint)StatIndex.SessOccupancy;
        return !(addr == aged || addr == aged + 4 || addr == occ || addr == occ + 4);
    }
}
