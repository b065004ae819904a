using System.Diagnostics;
using Spectre.Console;

namespace Nezha.Cli.Output;

/// <summary>
/// Progress of a long command. On a terminal a live display; otherwise nothing on stdout (it carries only results)
/// and, if asked for, one plain line on stderr as each step finishes.
/// </summary>
public static class CliProgress
{
    /// <param name="console">the command's console; null: no display at all.</param>
    /// <param name="body">runs the work, reporting (step, fraction of that step done).</param>
    /// <param name="stepLines">where a line per finished step goes when there is no terminal; null: nowhere.</param>
    public static void Run(IAnsiConsole? console, TextWriter? stepLines, Action<Action<string, double>> body)
    {
        if (console is { Profile.Capabilities.Interactive: true })
        {
            console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(p =>
                {
                    var tasks = new Dictionary<string, ProgressTask>();
                    body((step, f) =>
                    {
                        if (!tasks.TryGetValue(step, out var t)) tasks[step] = t = p.AddTask(Markup.Escape(step), maxValue: 1);
                        t.Value = f;
                    });
                });
            return;
        }
        var done = new HashSet<string>();
        var clock = Stopwatch.StartNew();
        body((step, f) =>
        {
            if (stepLines is not null && f >= 1 && done.Add(step))
                stepLines.WriteLine($"nezha: {step}: done at {clock.Elapsed.TotalSeconds:0} s");
        });
    }
}
