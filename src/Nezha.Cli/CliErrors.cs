namespace Nezha.Cli;

public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The card or the simulation failed while running.</summary>
    public const int Failure = 1;
    /// <summary>Bad arguments, a bad config or an unreadable input; nothing was applied.</summary>
    public const int Usage = 2;
}

/// <summary>Bad command-line arguments or input files: printed as one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
