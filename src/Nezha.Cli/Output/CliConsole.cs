using Spectre.Console;

namespace Nezha.Cli.Output;

/// <summary>
/// The Spectre console a command writes its results to. On a terminal: colour and the terminal's width. Anything
/// else (a pipe, a file, a test's StringWriter): no ANSI codes, no colour, no live displays, and a width no table
/// of this tool reaches, so nothing is wrapped mid-value.
/// </summary>
public static class CliConsole
{
    /// <summary>The width when the output is not a terminal (tables size to their content, so it is only a ceiling).</summary>
    public const int PipeWidth = 400;

    public static IAnsiConsole Create(TextWriter output)
    {
        bool terminal = IsTerminal(output);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal) console.Profile.Width = PipeWidth;
        return console;
    }

    /// <summary>True for the process's own stdout while it is a terminal.</summary>
    public static bool IsTerminal(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
}
