using Nezha.Cli;
using NUnit.Framework;

namespace Nezha.Tests.Driver;

/// <summary>Runs the <c>nezha</c> command line in-process with its output captured.</summary>
internal static class CliRun
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = NezhaApp.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>Asserts exit 2 with exactly one line on stderr and nothing on stdout; returns the line.</summary>
    public static string Refused((int Code, string Out, string Err) r)
    {
        Assert.That(r.Code, Is.EqualTo(ExitCodes.Usage), r.Err);
        Assert.That(r.Out, Is.Empty);
        string[] lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), $"stderr: {r.Err}");
        return lines[0].TrimEnd('\r');
    }
}
