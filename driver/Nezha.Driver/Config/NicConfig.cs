namespace Nezha.Driver.Config;

/// <summary>A whole card configuration, validated by <see cref="NicConfigLoader"/> and programmed by <see cref="NicDriver.Apply"/>.</summary>
/// <param name="Routes">route table in order: entry i goes to route index i (equal prefix lengths: lower index wins).</param>
/// <param name="Mappings">placed by the driver into their hash buckets.</param>
/// <param name="Offload">the offload controller's policy (optional "offload" section); not programmed into the card.</param>
public sealed record NicConfig(
    NicGlobalConfig Global,
    IReadOnlyList<VnicConfig> Vnics,
    IReadOnlyList<RouteEntry> Routes,
    IReadOnlyList<MappingEntry> Mappings,
    IReadOnlyList<AclSetConfig> Acls,
    Nezha.Driver.Offload.OffloadPolicy? Offload = null);

public sealed record VnicConfig(int Id, VnicEntry Entry);

/// <summary>The ordered rules of one ACL set (security group).</summary>
public sealed record AclSetConfig(int Set, IReadOnlyList<AclRule> Rules);

/// <summary>
/// A config file is wrong: <see cref="Errors"/> holds every problem found, each one line
/// <c>file: field path: what is wrong</c>; the message is those lines joined by newlines.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message) : this([message])
    {
    }

    public ConfigException(IReadOnlyList<string> errors) : base(string.Join("\n", errors))
    {
        if (errors.Count == 0) throw new ArgumentException("a config error needs at least one line", nameof(errors));
        Errors = [.. errors];
    }

    public IReadOnlyList<string> Errors { get; }
}
