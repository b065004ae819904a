using System.Globalization;
using System.Text.Json;

namespace Nezha.Driver.Config;

/// <summary>
/// The errors found in one config file, each one line <c>file: field path: what is wrong</c>. Reading goes on
/// after an error, so a file's errors are all reported at once (<see cref="ThrowIfAny"/>).
/// </summary>
internal sealed class ConfigErrors(string file)
{
    private readonly List<string> _found = [];

    public int Count => _found.Count;

    /// <summary>An error to throw: it ends the reading of the value, item or section it is in (see <see cref="Try"/>).</summary>
    public ConfigException At(string path, string what) => new(Line(path, what));

    /// <summary>Records an error; reading goes on.</summary>
    public void Report(string path, string what) => _found.Add(Line(path, what));

    public void Report(ConfigException e) => _found.AddRange(e.Errors);

    /// <summary>Runs <paramref name="read"/>; an error it throws is recorded and <paramref name="fallback"/> returned.</summary>
    public T Try<T>(Func<T> read, T fallback)
    {
        try
        {
            return read();
        }
        catch (ConfigException e)
        {
            Report(e);
            return fallback;
        }
    }

    /// <exception cref="ConfigException">with every error recorded, in the order found.</exception>
    public void ThrowIfAny()
    {
        if (_found.Count > 0) throw new ConfigException(_found);
    }

    private string Line(string path, string what) => path.Length == 0 ? $"{file}: {what}" : $"{file}: {path}: {what}";
}

/// <summary>
/// Reads one JSON object of a config file: required and optional fields, typed values, and a check that nothing
/// unknown or duplicated was in it. Every error names the field's path and is recorded in <see cref="Errors"/>;
/// a typed field that is wrong reads as its fallback and sets <see cref="Failed"/>, so the caller can leave the
/// object out of later checks that its values would mislead.
/// </summary>
internal sealed class ObjectReader
{
    private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.Ordinal);
    private readonly string[] _known;
    private readonly ConfigErrors _errors;

    /// <param name="known">every field the object may have; anything else is reported.</param>
    /// <exception cref="ConfigException">the element is not an object.</exception>
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
                errors.Report(Child(p.Name), "appears twice");
            else if (System.Array.IndexOf(known, p.Name) < 0)
                errors.Report(Child(p.Name), $"unknown field (expected {string.Join(", ", known)})");
        }
    }

    public string Path { get; }
    public ConfigErrors Errors => _errors;

    /// <summary>A field of this object could not be read (it was reported; its value read as the fallback).</summary>
    public bool Failed { get; private set; }

    public string Child(string name) => Path.Length == 0 ? name : $"{Path}.{name}";

    /// <summary>Reads one field with <paramref name="read"/>; an error is reported and <paramref name="fallback"/> returned.</summary>
    public T Field<T>(Func<T> read, T fallback)
    {
        int before = _errors.Count;
        T value = _errors.Try(read, fallback);
        if (_errors.Count != before) Failed = true;
        return value;
    }

    /// <summary>Reports an error in this object and marks it failed.</summary>
    public void Report(string path, string what)
    {
        _errors.Report(path, what);
        Failed = true;
    }

    public JsonElement? Optional(string name)
    {
        System.Diagnostics.Debug.Assert(System.Array.IndexOf(_known, name) >= 0, $"field {name} not declared");
        return _fields.TryGetValue(name, out JsonElement e) && e.ValueKind != JsonValueKind.Null ? e : null;
    }

    /// <exception cref="ConfigException">the field is missing.</exception>
    public JsonElement Required(string name) =>
        Optional(name) ?? throw _errors.At(Path, $"missing field \"{name}\"");

    // ------------------------------------------------------------ typed fields (errors reported, fallback returned)

    public long Int(string name, long min, long max) => Field(() => ParseInt(Required(name), Child(name), min, max), min);

    public long Int(string name, long min, long max, long fallback) =>
        Optional(name) is { } e ? Field(() => ParseInt(e, Child(name), min, max), fallback) : fallback;

    public bool Bool(string name, bool fallback)
    {
        if (Optional(name) is not { } e) return fallback;
        return e.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => Field(() => throw _errors.At(Child(name), $"{Raw(e)} is not true or false"), fallback),
        };
    }

    public string String(string name) => Field(() => ParseString(Required(name), Child(name)), "");

    public string? OptionalString(string name) =>
        Optional(name) is { } e ? Field<string?>(() => ParseString(e, Child(name)), null) : null;

    public ulong Mac(string name) => Field(() => ParseMac(Required(name), Child(name)), 0UL);

    public uint Ip(string name) => Field(() => ParseIp(Required(name), Child(name)), 0u);

    public (uint Prefix, int Len) Prefix(string name) => Field(() => ParsePrefix(Required(name), Child(name), allowAny: false), (0u, 0));

    public (uint Prefix, int Len) OptionalPrefix(string name) =>
        Optional(name) is { } e ? Field(() => ParsePrefix(e, Child(name), allowAny: true), (0u, 0)) : (0u, 0);

    public T Choice<T>(string name, IReadOnlyDictionary<string, T> choices, T fallback) =>
        Field(() => ParseChoice(Required(name), Child(name), choices), fallback);

    public T OptionalChoice<T>(string name, IReadOnlyDictionary<string, T> choices, T fallback) =>
        Optional(name) is { } e ? Field(() => ParseChoice(e, Child(name), choices), fallback) : fallback;

    public T ParseChoice<T>(JsonElement e, string path, IReadOnlyDictionary<string, T> choices)
    {
        if (e.ValueKind == JsonValueKind.String && choices.TryGetValue(e.GetString()!, out T? v)) return v;
        throw _errors.At(path, $"{Raw(e)} is not one of {string.Join(", ", choices.Keys)}");
    }

    /// <summary>The field's items (none if it is missing); a field that is not an array is reported and reads as null.</summary>
    public List<JsonElement>? Array(string name, out string path)
    {
        path = Child(name);
        if (Optional(name) is not { } e) return [];
        if (e.ValueKind != JsonValueKind.Array)
        {
            Report(path, $"expected an array, found {Describe(e)}");
            return null;
        }
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

    public ulong ParseMac(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.String || !NetFormat.TryParseMac(e.GetString(), out ulong mac))
            throw _errors.At(path, $"{Raw(e)} is not a MAC address");
        if (mac == 0) throw _errors.At(path, $"{Raw(e)} is the all-zero MAC address");
        if (((mac >> 40) & 1) != 0) throw _errors.At(path, $"{Raw(e)} is a multicast MAC address");
        return mac;
    }

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
