using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Nezha.Cli;

/// <summary>The global --verbosity option and how its values map to log levels.</summary>
public static class Verbosity
{
    private static readonly Dictionary<string, LogLevel> Levels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["quiet"] = LogLevel.Warning, ["q"] = LogLevel.Warning,
        ["normal"] = LogLevel.Information, ["n"] = LogLevel.Information,
        ["detailed"] = LogLevel.Debug, ["d"] = LogLevel.Debug,
        ["diagnostic"] = LogLevel.Trace, ["diag"] = LogLevel.Trace,
    };

    public static Option<string> CreateOption()
    {
        var option = new Option<string>("--verbosity", "-v")
        {
            Description = "Logging: quiet (warnings), normal, detailed (every programming step), diagnostic (every register access)",
            DefaultValueFactory = _ => "normal",
            Recursive = true,
            HelpName = "quiet|normal|detailed|diagnostic",
        };
        option.Validators.Add(r =>
        {
            string? v = r.GetValueOrDefault<string>();
            if (v is not null && !Levels.ContainsKey(v))
                r.AddError($"--verbosity: \"{v}\" is not one of quiet, normal, detailed, diagnostic");
        });
        return option;
    }

    public static LogLevel ToLogLevel(string? value) =>
        value is not null && Levels.TryGetValue(value, out LogLevel l) ? l : LogLevel.Information;
}
