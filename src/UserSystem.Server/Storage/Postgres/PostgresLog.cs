namespace UserSystem.Server.Storage.Postgres;

/// <summary>The PostgreSQL store's log lines, with stable event ids (2000-2099).</summary>
internal static partial class PostgresLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "Listening for user events failed; retrying in {RetrySeconds} s (watchers keep re-reading the events table meanwhile)")]
    public static partial void ListenFailed(ILogger logger, int retrySeconds, Exception exception);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Listening for user events on channel {Channel}")]
    public static partial void Listening(ILogger logger, string channel);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Notifying other instances of user events failed; retrying in {RetrySeconds} s (their watchers keep re-reading the events table meanwhile)")]
    public static partial void NotifyFailed(ILogger logger, int retrySeconds, Exception exception);
}
