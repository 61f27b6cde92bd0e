using Microsoft.Extensions.Logging;

namespace UserSystem.Cli.Hosting;

/// <summary>--verbose: the client library's log lines, one per line, on standard error.</summary>
internal sealed class WriterLoggerProvider(TextWriter writer) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new WriterLogger(writer);

    public void Dispose()
    {
    }

    private sealed class WriterLogger(TextWriter writer) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            lock (writer)
            {
                writer.WriteLine($"{logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}");
            }
        }
    }
}
