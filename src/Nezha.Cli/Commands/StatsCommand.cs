using System.CommandLine;
using Nezha.Cli.Output;
using Nezha.Verify.Tap;

namespace Nezha.Cli.Commands;

/// <summary><c>nezha stats</c>: the live counters of a running <c>nezha tap</c>, asked over its control socket.</summary>
public static class StatsCommand
{
    public static Command Create(CliContext ctx)
    {
        var socket = new Option<string?>("--socket", "-s")
        {
            Description = "The bridge's control socket (default /run/nezha/PREFIX.sock)",
            HelpName = "PATH",
        };
        var prefix = new Option<string>("--prefix")
        {
            Description = "The bridge's --prefix, which names its default socket",
            DefaultValueFactory = _ => "nz",
            HelpName = "PREFIX",
        };
        var json = new Option<bool>("--json") { Description = "Print the answer as JSON instead of tables" };
        var cmd = new Command("stats", "Show the live counters of a running `nezha tap` bridge.") { socket, prefix, json };
        cmd.SetAction(parse => ctx.Invoke(parse, _ =>
        {
            string path = parse.GetValue(socket) is { Length: > 0 } s ? Path.GetFullPath(s)
                : TapBridgeOptions.DefaultSocketPath(parse.GetValue(prefix)!);
            if (ControlServer.NotASocket(path) is { } problem) throw new UsageException($"--socket {problem}");
            BridgeSnapshot snapshot = ControlServer.RequestSnapshot(path); // IOException: one line, exit 1
            if (parse.GetValue(json))
            {
                ctx.Out.WriteLine(snapshot.ToJson());
                return ExitCodes.Ok;
            }
            SummaryTables.WriteSnapshot(CliConsole.Create(ctx.Out), snapshot);
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
