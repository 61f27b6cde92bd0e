using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace UserSystem.Client.Tests;

/// <summary>The client library composed through AddUserSystemClient, with its log lines kept for assertions.</summary>
public sealed class ClientTestHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public ClientTestHost(Action<UserSystemClientOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(new ListLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Debug));
        services.AddUserSystemClient(configure);
        _provider = services.BuildServiceProvider();
    }

    public List<string> Logs { get; } = [];

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    private sealed class ListLoggerProvider(List<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }
    }

    private sealed class ListLogger(List<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines)
            {
                lines.Add($"{logLevel}: {formatter(state, exception)}");
            }
        }
    }
}
