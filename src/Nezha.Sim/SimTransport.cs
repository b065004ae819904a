using Nezha.Driver;

namespace Nezha.Verify.Sim;

/// <summary>The driver's register bus on a simulated core: every access is a full AXI4-Lite handshake on
/// <see cref="SimNic"/>, with traffic still running.</summary>
public sealed class SimTransport : IRegisterTransport
{
    public SimTransport(SimNic nic) => Nic = nic ?? throw new ArgumentNullException(nameof(nic));

    public SimNic Nic { get; }

    /// <summary>Register accesses done through this transport.</summary>
    public long Accesses { get; private set; }

    public RegResp Write32(uint addr, uint data)
    {
        Accesses++;
        return (RegResp)Nic.RegWrite(addr, data, 0xF);
    }

    public RegResp Read32(uint addr, out uint data)
    {
        Accesses++;
        return (RegResp)Nic.RegRead(addr, out data);
    }
}
