namespace Nezha.Common.Hashing;

/// <summary>
/// CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, init 0xFFFFFFFF, final xor 0xFFFFFFFF.
/// The session and mapping tables place entries by this hash; "123456789" hashes to 0xE3069283.
/// </summary>
public static class Crc32C
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var t = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int b = 0; b < 8; b++)
                c = (c & 1) != 0 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
            t[i] = c;
        }
        return t;
    }

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFF_FFFFu;
        foreach (byte b in data)
            c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return ~c;
    }

    /// <summary>Hash of the 7-byte mapping key: VNI (3 bytes, big-endian) then IPv4 address (4 bytes).</summary>
    public static uint MappingKey(uint vni, uint ip)
    {
        Span<byte> k = stackalloc byte[7];
        k[0] = (byte)(vni >> 16); k[1] = (byte)(vni >> 8); k[2] = (byte)vni;
        k[3] = (byte)(ip >> 24); k[4] = (byte)(ip >> 16); k[5] = (byte)(ip >> 8); k[6] = (byte)ip;
        return Compute(k);
    }
}
