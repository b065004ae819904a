using Nezha.Common.Hashing;

namespace Nezha.Verify.Model;

/// <summary>
/// Canonical session key (VNI 24, proto 8, lo, hi): A = (src ip, src port), B = (dst ip, dst port) as 48-bit
/// numbers ip&lt;&lt;16|port; lo = min, hi = max; dir = 0 when A &lt;= B.
/// </summary>
public readonly record struct ModelFlowKey(uint Vni, byte Proto, uint LoIp, uint HiIp, ushort LoPort, ushort HiPort)
{
    public static ModelFlowKey Make(uint vni, byte proto, uint sip, ushort sport, uint dip, ushort dport, out int dir)
    {
        ulong a = ((ulong)sip << 16) | sport, b = ((ulong)dip << 16) | dport;
        if (a <= b)
        {
            dir = 0;
            return new ModelFlowKey(vni, proto, sip, dip, sport, dport);
        }
        dir = 1;
        return new ModelFlowKey(vni, proto, dip, sip, dport, sport);
    }

    /// <summary>CRC-32C over VNI (3 BE), proto, lo ip (4 BE), hi ip (4 BE), lo port (2 BE), hi port (2 BE).</summary>
    public uint Hash()
    {
        Span<byte> k = stackalloc byte[16];
        k[0] = (byte)(Vni >> 16); k[1] = (byte)(Vni >> 8); k[2] = (byte)Vni;
        k[3] = Proto;
        k[4] = (byte)(LoIp >> 24); k[5] = (byte)(LoIp >> 16); k[6] = (byte)(LoIp >> 8); k[7] = (byte)LoIp;
        k[8] = (byte)(HiIp >> 24); k[9] = (byte)(HiIp >> 16); k[10] = (byte)(HiIp >> 8); k[11] = (byte)HiIp;
        k[12] = (byte)(LoPort >> 8); k[13] = (byte)LoPort;
        k[14] = (byte)(HiPort >> 8); k[15] = (byte)HiPort;
        return Crc32C.Compute(k);
    }
}
