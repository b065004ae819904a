using System.Globalization;

namespace Nezha.Driver;

/// <summary>Text forms of MAC and IPv4 addresses and prefixes, as used in config files and output.</summary>
public static class NetFormat
{
    public static string Mac(ulong mac) => string.Create(17, mac, static (s, m) =>
    {
        for (int i = 0; i < 6; i++)
        {
            byte b = (byte)(m >> (40 - 8 * i));
            s[3 * i] = HexDigit(b >> 4);
            s[3 * i + 1] = HexDigit(b & 0xF);
            if (i < 5) s[3 * i + 2] = ':';
        }
    });

    public static string Ip(uint ip) => $"{ip >> 24}.{(ip >> 16) & 0xFF}.{(ip >> 8) & 0xFF}.{ip & 0xFF}";

    public static string Prefix(uint ip, int len) => $"{Ip(ip)}/{len}";

    /// <summary>Parses "aa:bb:cc:dd:ee:ff" (or with '-').</summary>
    public static bool TryParseMac(ReadOnlySpan<char> s, out ulong mac)
    {
        mac = 0;
        if (s.Length != 17) return false;
        char sep = s[2];
        if (sep != ':' && sep != '-') return false;
        for (int i = 0; i < 6; i++)
        {
            if (i < 5 && s[3 * i + 2] != sep) return false;
            if (!byte.TryParse(s.Slice(3 * i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
                return false;
            mac = (mac << 8) | b;
        }
        return true;
    }

    /// <summary>Parses a dotted-quad IPv4 address ("10.0.0.1"); no leading zeros, no shorthand.</summary>
    public static bool TryParseIp(ReadOnlySpan<char> s, out uint ip)
    {
        ip = 0;
        for (int part = 0; part < 4; part++)
        {
            int dot = s.IndexOf('.');
            if ((dot < 0) != (part == 3)) return false;
            ReadOnlySpan<char> digits = dot < 0 ? s : s[..dot];
            if (digits.Length is 0 or > 3 || (digits.Length > 1 && digits[0] == '0')) return false;
            int v = 0;
            foreach (char c in digits)
            {
                if (c is < '0' or > '9') return false;
                v = 10 * v + (c - '0');
            }
            if (v > 255) return false;
            ip = (ip << 8) | (uint)v;
            if (dot >= 0) s = s[(dot + 1)..];
        }
        return true;
    }

    /// <summary>Parses "a.b.c.d/len" (len 0..32) or a bare address (= /32). Host bits are not checked: see <see cref="HasHostBits"/>.</summary>
    public static bool TryParsePrefix(ReadOnlySpan<char> s, out uint prefix, out int len)
    {
        prefix = 0;
        len = 32;
        int slash = s.IndexOf('/');
        if (slash >= 0)
        {
            ReadOnlySpan<char> l = s[(slash + 1)..];
            if (l.Length is 0 or > 2) return false;
            foreach (char c in l) if (c is < '0' or > '9') return false;
            len = int.Parse(l, CultureInfo.InvariantCulture);
            if (len > 32) return false;
            s = s[..slash];
        }
        return TryParseIp(s, out prefix);
    }

    public static bool HasHostBits(uint prefix, int len) => (prefix & ~PrefixMask(len)) != 0;

    public static uint PrefixMask(int len) => len == 0 ? 0 : 0xFFFF_FFFFu << (32 - len);

    private static char HexDigit(int v) => (char)(v < 10 ? '0' + v : 'a' + v - 10);
}
