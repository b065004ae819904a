using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Nezha.Cli;

/// <summary>
/// The global --verbosity option and how its values map to log levels. Logs go to stderr. The default (normal)
/// shows only warnings and errors; detailed adds what the tool does (the driver's programming steps and every
/// register write, information from the bridge and the controller); diagnostic adds every register read.
/// </summary>
public static class Verbosity
{
    private static readonly Dictionary<string, LogLevel> Levels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["quiet"] = LogLevel.Error, ["q"] = LogLevel.Error,
        ["normal"] = LogLevel.Warning, ["n"] = LogLevel.Warning,
        ["detailed"] = LogLevel.Debug, ["d"] = LogLevel.Debug,
        ["diagnostic"] = LogLevel.Trace, ["diag"] = LogLevel.Trace,
    };

    public static Option<string> CreateOption()
    {
        var option = new Option<string>("--verbosity", "-v")
        {
            Description = "Logs on stderr: quiet (errors), normal (warnings, the default), detailed (every programming step and register write), diagnostic (every register access)",
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
        value is not null && Levels.TryGetValue(value, out LogLevel l) ? l : LogLevel.Warning;
}
