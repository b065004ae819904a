using System.CommandLine;
using Nezha.Driver.Config;

namespace Nezha.Cli.Commands;

/// <summary><c>nezha check</c>: validates a config file, optionally against one build's table sizes.</summary>
public static class CheckCommand
{
    public static Command Create(CliContext ctx)
    {
        Option<FileInfo> config = SimOptions.Config(required: true);
        var width = new Option<int?>("--width", "-w")
        {
            Description = "Also check ids and table sizes against this build (8, 64 or 512)",
            HelpName = "8|64|512",
        };
        width.AcceptOnlyFromAmong("8", "64", "512");
        var cmd = new Command("check", "Validate a config file without touching a card.") { config, width };
        cmd.SetAction(parse => ctx.Invoke(parse, _ =>
        {
            FileInfo file = parse.GetValue(config)!;
            int? w = parse.GetValue(width);
            NicConfig c = NicConfigLoader.Load(file.ToString(), w is { } x ? KnownBuilds.For(x) : null);
            ctx.Out.WriteLine($"{file}: OK{(w is null ? "" : $" for the w{w} build")}: {c.Vnics.Count} vNICs, {c.Routes.Count} routes, " +
                $"{c.Mappings.Count} mappings, {c.Acls.Count} ACL sets ({c.Acls.Sum(a => a.Rules.Count)} rules)");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
