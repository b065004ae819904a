using Nezha.Common.Registers;

namespace Nezha.Driver;

/// <summary>The card refused a register access (SLVERR).</summary>
public sealed class NicRegisterException : Exception
{
    public NicRegisterException(uint address, uint value, bool isWrite, TableStatus? status = null)
        : base(Describe(address, value, isWrite, status))
    {
        Address = address;
        Value = value;
        IsWrite = isWrite;
        Status = status;
    }

    public uint Address { get; }
    public uint Value { get; }
    public bool IsWrite { get; }
    /// <summary>The table STATUS register after a refused table command, null for other registers.</summary>
    public TableStatus? Status { get; }

    private static string Describe(uint address, uint value, bool isWrite, TableStatus? status)
    {
        string what = isWrite ? $"write of 0x{value:X8} to 0x{address:X4}" : $"read of 0x{address:X4}";
        return status is { } s ? $"{what} refused (SLVERR), table status {s}" : $"{what} refused (SLVERR)";
    }
}

/// <summary>The block chain does not look like a Nezha card this driver supports.</summary>
public sealed class NicDiscoveryException(string message) : Exception(message);
