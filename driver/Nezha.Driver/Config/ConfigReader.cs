using System.Globalization;
using System.Text.Json;

namespace Nezha.Driver.Config;

/// <summary>Throws <see cref="ConfigException"/>s that name the file and the field path.</summary>
internal sealed class ConfigErrors(string file)
{
    public ConfigException At(string path, string what) =>
        new(path.Length == 0 ? $"{file}: {what}" : $"{file}: {path}: {what}");
}

/// <summary>
/// Reads one JSON object of a config file: required and optional fields, typed values, and a final check
/// that nothing unknown or duplicated was in it. Every error names the field's path.
/// </summary>
internal sealed class ObjectReader
{
    private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.Ordinal);
    private readonly string[] _known;
    private readonly ConfigErrors _errors;

    /// <param name="known">every field the object may have; anything else is reported at once.</param>
    public ObjectReader(JsonElement element, string path, ConfigErrors errors, params string[] known)
    {
        _errors = errors;
        _known = known;
        Path = path;
        if (element.ValueKind != JsonValueKind.Object)
            throw errors.At(path, $"expected an object, found {Describe(element)}");
        foreach (JsonProperty p in element.EnumerateObject())
        {
            if (!_fields.TryAdd(p.Name, p.Value))
                throw errors.At(Child(p.Name), "appears twice");
            if (System.Array.IndexOf(known, p.Name) < 0)
                throw errors.At(Child(p.Name), $"unknown field (expected {string.Join(", ", known)})");
        }
    }

    public string Path { get; }
    public ConfigErrors Errors => _errors;

    public string Child(string name) => Path.Length == 0 ? name : $"{Path}.{name}";

    public JsonElement? Optional(string name)
    {
        System.Diagnostics.Debug.Assert(System.Array.IndexOf(_known, name) >= 0, $"field {name} not declared");
        return _fields.TryGetValue(name, out JsonElement e) && e.ValueKind != JsonValueKind.Null ? e : null;
    }

    public JsonElement Required(string name) =>
        Optional(name) ?? throw _errors.At(Path, $"missing field \"{name}\"");

    // ------------------------------------------------------------ typed fields

    public long Int(string name, long min, long max) => ParseInt(Required(name), Child(name), min, max);

    public long Int(string name, long min, long max, long fallback) =>
        Optional(name) is { } e ? ParseInt(e, Child(name), min, max) : fallback;

    public bool Bool(string name, bool fallback)
    {
        if (Optional(name) is not { } e) return fallback;
        return e.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw _errors.At(Child(name), $"{Raw(e)} is not true or false"),
        };
    }

    public string String(string name) => ParseString(Required(name), Child(name));

    public string? OptionalString(string name) =>
        Optional(name) is { } e ? ParseString(e, Child(name)) : null;

    public ulong Mac(string name)
    {
        JsonElement e = Required(name);
        string path = Child(name);
        if (e.ValueKind != JsonValueKind.String || !NetFormat.TryParseMac(e.GetString(), out ulong mac))
            throw _errors.At(path, $"{Raw(e)} is not a MAC address");
        if (mac == 0) throw _errors.At(path, $"{Raw(e)} is the all-zero MAC address");
        if (((mac >> 40) & 1) != 0) throw _errors.At(path, $"{Raw(e)} is a multicast MAC address");
        return mac;
    }

    public uint Ip(string name) => ParseIp(Required(name), Child(name));

    public (uint Prefix, int Len) Prefix(string name) => ParsePrefix(Required(name), Child(name), allowAny: false);

    public (uint Prefix, int Len) OptionalPrefix(string name) =>
        Optional(name) is { } e ? ParsePrefix(e, Child(name), allowAny: true) : (0u, 0);

    public T Choice<T>(string name, IReadOnlyDictionary<string, T> choices) => ParseChoice(Required(name), Child(name), choices);

    public T OptionalChoice<T>(string name, IReadOnlyDictionary<string, T> choices, T fallback) =>
        Optional(name) is { } e ? ParseChoice(e, Child(name), choices) : fallback;

    public T ParseChoice<T>(JsonElement e, string path, IReadOnlyDictionary<string, T> choices)
    {
        if (e.ValueKind == JsonValueKind.String && choices.TryGetValue(e.GetString()!, out T? v)) return v;
        throw _errors.At(path, $"{Raw(e)} is not one of {string.Join(", ", choices.Keys)}");
    }

    public List<JsonElement> Array(string name, out string path)
    {
        path = Child(name);
        if (Optional(name) is not { } e) return [];
        if (e.ValueKind != JsonValueKind.Array) throw _errors.At(path, $"expected an array, found {Describe(e)}");
        return [.. e.EnumerateArray()];
    }

    // ------------------------------------------------------------ value parsing

    public long ParseInt(JsonElement e, string path, long min, long max)
    {
        if (e.ValueKind != JsonValueKind.Number) throw _errors.At(path, $"{Raw(e)} is not a number");
        if (!e.TryGetInt64(out long v)) throw _errors.At(path, $"{Raw(e)} is not an integer");
        if (v < min || v > max) throw _errors.At(path, $"{v} is out of range {min}..{max}");
        return v;
    }

    public string ParseString(JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw _errors.At(path, $"{Raw(e)} is not a string");

    public uint ParseIp(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.String || !NetFormat.TryParseIp(e.GetString(), out uint ip))
            throw _errors.At(path, $"{Raw(e)} is not an IPv4 address");
        return ip;
    }

    public (uint, int) ParsePrefix(JsonElement e, string path, bool allowAny)
    {
        string? s = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        if (allowAny && s == "any") return (0, 0);
        if (s is null || !NetFormat.TryParsePrefix(s, out uint prefix, out int len))
            throw _errors.At(path, $"{Raw(e)} is not an IPv4 prefix{(allowAny ? " or \"any\"" : "")}");
        if (NetFormat.HasHostBits(prefix, len))
            throw _errors.At(path,
                $"{Raw(e)} has host bits set (did you mean \"{NetFormat.Prefix(prefix & NetFormat.PrefixMask(len), len)}\"?)");
        return (prefix, len);
    }

    /// <summary>"any", "80", "1000-2000" or a number.</summary>
    public (ushort Lo, ushort Hi) ParsePorts(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.Number)
        {
            ushort p = (ushort)ParseInt(e, path, 0, 65535);
            return (p, p);
        }
        string? s = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        if (s == "any") return (0, 65535);
        if (s is not null)
        {
            int dash = s.IndexOf('-');
            string loText = dash < 0 ? s : s[..dash], hiText = dash < 0 ? s : s[(dash + 1)..];
            if (TryPort(loText, out ushort lo) && TryPort(hiText, out ushort hi))
            {
                if (lo > hi) throw _errors.At(path, $"{Raw(e)}: low port {lo} is above high port {hi}");
                return (lo, hi);
            }
        }
        throw _errors.At(path, $"{Raw(e)} is not a port, a port range \"lo-hi\" or \"any\"");
    }

    private static bool TryPort(string s, out ushort port)
    {
        port = 0;
        return s.Length is > 0 and <= 5 && s.All(char.IsAsciiDigit)
            && ushort.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out port);
    }

    public static string Raw(JsonElement e)
    {
        string raw = e.GetRawText();
        return raw.Length <= 40 ? raw : raw[..37] + "...";
    }

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => Raw(e),
    };
}
