namespace Nezha.Driver;

public enum RegResp { Okay = 0, SlvErr = 2 }

public interface IRegisterTransport
{
    RegResp Write32(uint addr, uint data);
    RegResp Read32(uint addr, out uint data);
}
