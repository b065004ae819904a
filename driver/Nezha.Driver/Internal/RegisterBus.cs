using Microsoft.Extensions.Logging;
using Nezha.Common.Registers;

namespace Nezha.Driver.Internal;

/// <summary>Register accesses that throw on SLVERR and log at Trace.</summary>
internal sealed class RegisterBus(IRegisterTransport transport, ILogger logger)
{
    public void Write(uint addr, uint value)
    {
        RegResp resp = transport.Write32(addr, value);
        Log.RegWrite(logger, addr, value, resp);
        if (resp != RegResp.Okay)
            throw new NicRegisterException(addr, value, isWrite: true);
    }

    public uint Read(uint addr)
    {
        RegResp resp = transport.Read32(addr, out uint value);
        Log.RegRead(logger, addr, value, resp);
        if (resp != RegResp.Okay)
            throw new NicRegisterException(addr, 0, isWrite: false);
        return value;
    }

    /// <summary>A 64-bit counter: LO first (latches HI), then HI at +4.</summary>
    public ulong Read64(uint loAddr)
    {
        uint lo = Read(loAddr);
        uint hi = Read(loAddr + 4);
        return ((ulong)hi << 32) | lo;
    }

    /// <summary>A table command; on SLVERR reads the table STATUS and puts it into the exception.</summary>
    public void Command(uint tableBase, uint cmd)
    {
        uint addr = tableBase + NezhaRegs.TBL_CMD;
        RegResp resp = transport.Write32(addr, cmd);
        Log.RegWrite(logger, addr, cmd, resp);
        if (resp == RegResp.Okay) return;
        TableStatus? status = null;
        if (transport.Read32(tableBase + NezhaRegs.TBL_STATUS, out uint s) == RegResp.Okay)
            status = (TableStatus)s;
        throw new NicRegisterException(addr, cmd, isWrite: true, status);
    }
}
