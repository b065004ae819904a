using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nezha.Driver.Config;

namespace Nezha.Cli.Commands;

/// <summary>
/// <c>nezha check</c>: validates a config file against one build's table sizes — the one --width names, else the
/// build the other commands simulate by default — and says which. Every error is reported, one line each.
/// </summary>
public static class CheckCommand
{
    public static Command Create(CliContext ctx)
    {
        Option<FileInfo> config = SimOptions.Config(required: true);
        var width = new Option<int?>("--width", "-w")
        {
            Description = $"Check ids and table sizes against this build (default {SimOptions.DefaultWidth}, the build run, tap and pcap simulate by default)",
            HelpName = "8|64|512",
        };
        width.AcceptOnlyFromAmong("8", "64", "512");
        var json = new Option<bool>("--json") { Description = "Print the result as JSON on stdout (errors too; they also go to stderr)" };
        var cmd = new Command("check", "Validate a config file without touching a card.") { config, width, json };
        cmd.SetAction(parse => ctx.Invoke(parse, _ =>
        {
            FileInfo file = parse.GetValue(config)!;
            string path = SimOptions.ConfigFile(file);
            int? given = parse.GetValue(width);
            int w = given ?? SimOptions.DefaultWidth;
            string build = given is null ? $"the w{w} build (the default of run, tap and pcap)" : $"the w{w} build";
            NicConfig c;
            try
            {
                c = NicConfigLoader.Load(file.ToString(), KnownBuilds.For(w));
            }
            catch (ConfigException e) when (parse.GetValue(json))
            {
                ctx.Out.WriteLine(Result(path, w, given is not null, null, e.Errors).ToJsonString(Indented));
                throw;
            }
            if (parse.GetValue(json))
                ctx.Out.WriteLine(Result(path, w, given is not null, c, []).ToJsonString(Indented));
            else
                ctx.Out.WriteLine($"{file}: OK for {build}: {c.Vnics.Count} vNICs, {c.Routes.Count} routes, " +
                    $"{c.Mappings.Count} mappings, {c.Acls.Count} ACL sets ({c.Acls.Sum(a => a.Rules.Count)} rules)");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static JsonObject Result(string path, int width, bool widthGiven, NicConfig? c, IReadOnlyList<string> errors) => new()
    {
        ["config"] = path,
        ["width"] = width,
        ["widthGiven"] = widthGiven,
        ["ok"] = c is not null,
        ["vnics"] = c?.Vnics.Count,
        ["routes"] = c?.Routes.Count,
        ["mappings"] = c?.Mappings.Count,
        ["aclSets"] = c?.Acls.Count,
        ["aclRules"] = c?.Acls.Sum(a => a.Rules.Count),
        ["errors"] = new JsonArray(errors.Select(e => (JsonNode?)e).ToArray()),
    };
}
