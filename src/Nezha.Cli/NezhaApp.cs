using System.CommandLine;
using Microsoft.Extensions.Logging;
using Nezha.Cli.Commands;
using Nezha.Cli.Output;
using Nezha.Verify.Pcap;
using Nezha.Driver;
using Nezha.Driver.Config;

namespace Nezha.Cli;

/// <summary>
/// The <c>nezha</c> command line. Usage and config errors print one line each on stderr and exit 2; failures of
/// the card or the simulation exit 1. Logs go to stderr so stdout carries only results.
/// </summary>
public static class NezhaApp
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        Option<string> verbosity = Verbosity.CreateOption();
        var root = new RootCommand("Nezha SmartNIC vSwitch: program a card, replay captures through the simulated card, bridge it to TAP devices.");
        root.Options.Add(verbosity);

        var context = new CliContext(stdout, stderr, verbosity);
        root.Subcommands.Add(PcapCommand.Create(context));
        root.Subcommands.Add(CheckCommand.Create(context));
        root.Subcommands.Add(RunCommand.Create(context));
        root.Subcommands.Add(TapCommand.Create(context));
        root.Subcommands.Add(StatsCommand.Create(context));
        root.Subcommands.Add(ClusterCommand.Create(context));

        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"nezha: {BoolValueError(parse, args) ?? ParseErrors(parse)}");
            return ExitCodes.Usage;
        }
        return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
    }

    /// <summary>The parser's errors on one line: unrecognized tokens first (they explain the rest), whitespace folded.</summary>
    private static string ParseErrors(ParseResult parse) => string.Join(" ", parse.Errors
        .Select(e => System.Text.RegularExpressions.Regex.Replace(e.Message, @"\s+", " ").Trim())
        .OrderBy(m => m.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : 1)
        .Distinct());

    /// <summary>
    /// A value after a true/false option that is neither (<c>--check maybe</c>) is left over by the parser as an
    /// unrecognized argument; say what the option takes instead.
    /// </summary>
    private static string? BoolValueError(ParseResult parse, string[] args)
    {
        var options = parse.CommandResult.Command.Options.Concat(parse.RootCommandResult.Command.Options.Where(o => o.Recursive));
        foreach (string token in parse.UnmatchedTokens)
            for (int i = 0; i < args.Length; i++)
            {
                string before = i > 0 ? args[i - 1] : "", arg = args[i];
                string? name = arg == token ? before
                    : arg.EndsWith("=" + token, StringComparison.Ordinal) || arg.EndsWith(":" + token, StringComparison.Ordinal) ? arg[..^(token.Length + 1)]
                    : null;
                if (name is null) continue;
                if (options.FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name)) is Option<bool> b)
                    return $"{b.Name}: \"{token}\" is not true or false";
            }
        return null;
    }
}

/// <summary>What every command needs: the output writers and a logger factory at the chosen verbosity.</summary>
public sealed class CliContext(TextWriter stdout, TextWriter stderr, Option<string> verbosity)
{
    public TextWriter Out { get; } = stdout;
    public TextWriter Err { get; } = stderr;

    /// <summary>Runs a command body with logging set up and maps exceptions to one line and an exit code.</summary>
    public int Invoke(ParseResult parse, Func<ILoggerFactory, int> body)
    {
        LogLevel level = Verbosity.ToLogLevel(parse.GetValue(verbosity));
        using ILoggerFactory loggers = LoggerFactory.Create(b => b
            .SetMinimumLevel(level)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddProvider(new LineLoggerProvider(Err)));
        try
        {
            return body(loggers);
        }
        catch (Exception e) when (e is UsageException or ConfigException or CaptureFormatException)
        {
            Err.WriteLine(e is ConfigException ? e.Message : $"nezha: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is NicRegisterException or NicDiscoveryException or IOException or InvalidOperationException
            or DllNotFoundException or TimeoutException or UnauthorizedAccessException)
        {
            Err.WriteLine($"nezha: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
