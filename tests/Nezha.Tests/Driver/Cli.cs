using Nezha.Cli;
using NUnit.Framework;

namespace Nezha.Tests.Driver;

/// <summary>The <c>nezha</c> command line run in-process, and what tests check in its output.</summary>
internal static class Cli
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = NezhaApp.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    public static string[] Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>The one line of <paramref name="err"/>; fails unless there is exactly one.</summary>
    public static string OneLine(string err)
    {
        string[] lines = Lines(err);
        Assert.That(lines, Has.Length.EqualTo(1), $"stderr: {err}");
        return lines[0];
    }
}
