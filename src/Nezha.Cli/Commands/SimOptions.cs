using System.CommandLine;
using Nezha.Verify.Sim;

namespace Nezha.Cli.Commands;

/// <summary>Options shared by the commands that build a simulated card.</summary>
internal static class SimOptions
{
    public static Option<FileInfo> Config(bool required) => new("--config", "-c")
    {
        Description = "Card configuration (JSON, see configs/default.json)",
        Required = required,
        HelpName = "FILE",
    };

    public static Option<int> Width()
    {
        var o = new Option<int>("--width", "-w")
        {
            Description = "Simulated build: AXI-Stream data width in bits",
            DefaultValueFactory = _ => 64,
            HelpName = "8|64|512",
        };
        o.AcceptOnlyFromAmong("8", "64", "512");
        return o;
    }

    public static SimConfig ToSimConfig(int width) => width switch
    {
        8 => SimConfig.W8,
        64 => SimConfig.W64,
        512 => SimConfig.W512,
        _ => throw new UsageException($"--width: {width} is not 8, 64 or 512"),
    };
}
