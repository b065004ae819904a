using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Nezha.Verify.Tap;
using NUnit.Framework;

namespace Nezha.Tests.Interop;

/// <summary>
/// What the interop tests need from the machine: root, /dev/net/tun, network namespaces, ip, python3, ping,
/// tshark. Outside CI a missing piece skips the test with a message naming it; in CI (environment variable CI
/// set to true, 1 or yes, as .ci/run does) it fails the test, because there these tests must run.
/// </summary>
public static class Host
{
    public static bool InCi => Environment.GetEnvironmentVariable("CI")?.Trim().ToLowerInvariant() is "true" or "1" or "yes";

    private static string? _missing;
    private static bool _checked;

    /// <summary>Skips (outside CI) or fails (in CI) unless everything the interop tests use is here.</summary>
    public static void RequireInteropPrerequisites()
    {
        if (!_checked)
        {
            _missing = FindMissing();
            _checked = true;
        }
        if (_missing is null) return;
        string message = $"interop tests need {_missing}";
        if (InCi) Assert.Fail(message + " (CI is set: these tests must run in CI)");
        Assert.Ignore(message + " (skipped outside CI; apt-get install -y tshark iputils-ping iproute2, run as root)");
    }

    private static string? FindMissing()
    {
        if (!OperatingSystem.IsLinux()) return "Linux";
        if (Libc.GetEuid() != 0) return "root (they create TAP devices and network namespaces)";
        if (!File.Exists(TapDevice.CloneDevice)) return TapDevice.CloneDevice;
        try
        {
            TapDevice.CheckAccess();
        }
        catch (TapException e)
        {
            return $"access to {TapDevice.CloneDevice} ({e.Message})";
        }
        foreach (string tool in (string[])["ip", "python3", "ping", "tshark"])
            if (Which(tool) is null) return $"the command '{tool}' (not on PATH)";
        string probe = $"nzprobe{Environment.ProcessId}";
        var (code, _, err) = Run("ip", ["netns", "add", probe], TimeSpan.FromSeconds(10), check: false);
        if (code != 0) return $"network namespaces (ip netns add failed: {err.Trim()})";
        Run("ip", ["netns", "del", probe], TimeSpan.FromSeconds(10), check: false);
        return null;
    }

    /// <summary>The full path of a command found on PATH or in /usr/sbin, /sbin (root's tools); null if none.</summary>
    public static string? Which(string tool) => tool.Contains('/') ? tool :
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':')
            .Append("/usr/sbin").Append("/sbin")
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    /// <summary>Runs a command to completion. <paramref name="check"/>: a non-zero exit fails the test with the command's stderr.</summary>
    public static (int Code, string Out, string Err) Run(string file, IEnumerable<string> args, TimeSpan timeout, bool check = true)
    {
        var psi = new ProcessStartInfo(Which(file) ?? file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        p.StandardInput.Close();
        Task<string> o = p.StandardOutput.ReadToEndAsync(), e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            string cmd = Describe(file, psi.ArgumentList);
            Assert.Fail($"{cmd}: still running after {timeout.TotalSeconds} s\nstdout: {o.Result}\nstderr: {e.Result}");
        }
        p.WaitForExit();
        var r = (p.ExitCode, o.Result, e.Result);
        if (check && r.ExitCode != 0)
            Assert.Fail($"{Describe(file, psi.ArgumentList)} exited with {r.ExitCode}\nstdout: {r.Item2}\nstderr: {r.Item3}");
        return r;
    }

    public static string Describe(string file, IEnumerable<string> args) =>
        file + " " + string.Join(' ', args.Select(a => a.Contains(' ') ? $"'{a}'" : a));
}

/// <summary>A long-running command (a server) whose stdout lines are collected as they come.</summary>
public sealed class Background : IDisposable
{
    private readonly Process _p;
    private readonly BlockingCollection<string> _lines = new();
    private readonly StringBuilder _err = new();

    public Background(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(Host.Which(file) ?? file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        Command = Host.Describe(file, psi.ArgumentList);
        _p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        _p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) _lines.CompleteAdding();
            else _lines.Add(e.Data);
        };
        _p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_err) _err.AppendLine(e.Data);
        };
        _p.Start();
        _p.BeginOutputReadLine();
        _p.BeginErrorReadLine();
    }

    public string Command { get; }

    public string Stderr
    {
        get
        {
            lock (_err) return _err.ToString();
        }
    }

    /// <summary>The next stdout line; fails the test after <paramref name="timeout"/> or at end of output.</summary>
    public string NextLine(TimeSpan timeout)
    {
        try
        {
            if (_lines.TryTake(out string? line, timeout)) return line;
        }
        catch (InvalidOperationException)
        {
            // completed: the process ended
        }
        Assert.Fail($"{Command}: no output line within {timeout.TotalSeconds} s (exited: {_p.HasExited}{(_p.HasExited ? $", code {_p.ExitCode}" : "")})\nstderr: {Stderr}");
        return "";
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_p.WaitForExit(timeout)) Assert.Fail($"{Command}: still running after {timeout.TotalSeconds} s\nstderr: {Stderr}");
        _p.WaitForExit();
        return _p.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_p.HasExited)
            {
                _p.Kill(entireProcessTree: true);
                _p.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _p.Dispose();
    }
}
