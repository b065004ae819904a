using Microsoft.Extensions.Logging;

namespace Nezha.Cli.Output;

/// <summary>
/// Logs as plain lines (<c>level: category: message</c>) on one writer, synchronously, so they never interleave
/// with a command's own output out of order and never carry colour codes.
/// </summary>
public sealed class LineLoggerProvider(TextWriter writer) : ILoggerProvider
{
    private readonly Lock _lock = new();

    public ILogger CreateLogger(string categoryName) => new LineLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(string line)
    {
        lock (_lock) writer.WriteLine(line);
    }

    private sealed class LineLogger(LineLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            string message = formatter(state, exception).ReplaceLineEndings(" ");
            if (exception is not null) message += $" ({exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")})";
            owner.Write($"{Level(logLevel)}: {category}: {message}");
        }

        private static string Level(LogLevel l) => l switch
        {
            LogLevel.Trace => "trace",
            LogLevel.Debug => "debug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warning",
            LogLevel.Error => "error",
            _ => "critical",
        };
    }
}
