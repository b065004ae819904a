using System.CommandLine;
using Nezha.Verify.Sim;

namespace Nezha.Cli.Commands;

/// <summary>Options shared by the commands that build a simulated card.</summary>
internal static class SimOptions
{
    /// <summary>The build run, tap and pcap simulate unless --width says otherwise (and check checks against).</summary>
    public const int DefaultWidth = 64;

    public static Option<FileInfo> Config(bool required) => new("--config", "-c")
    {
        Description = "Card configuration (JSON, see configs/default.json)",
        Required = required,
        HelpName = "FILE",
    };

    /// <summary>The config file's full path, once it is known to be a file (else one line, exit 2).</summary>
    public static string ConfigFile(FileInfo file)
    {
        if (Directory.Exists(file.FullName)) throw new UsageException($"{file}: is a directory, not a config file");
        if (!file.Exists) throw new UsageException($"{file}: no such file");
        return file.FullName;
    }

    public static Option<int> Width()
    {
        var o = new Option<int>("--width", "-w")
        {
            Description = $"Simulated build: AXI-Stream data width in bits (default {DefaultWidth})",
            DefaultValueFactory = _ => DefaultWidth,
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
