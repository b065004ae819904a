using System.CommandLine;

namespace Nezha.Cli.Commands;

/// <summary>Commands that exist in the interface but are not written yet.</summary>
public static class PlaceholderCommands
{
    public static IEnumerable<Command> Create(CliContext ctx)
    {
        yield return Placeholder(ctx, "stats", "Show the counters of a card.");
        yield return Placeholder(ctx, "tap", "Bridge the simulated card to TAP devices.");
    }

    private static Command Placeholder(CliContext ctx, string name, string description)
    {
        var cmd = new Command(name, $"{description} (not yet implemented)");
        cmd.SetAction(_ =>
        {
            ctx.Err.WriteLine($"nezha {name}: not yet implemented");
            return ExitCodes.Failure;
        });
        return cmd;
    }
}
