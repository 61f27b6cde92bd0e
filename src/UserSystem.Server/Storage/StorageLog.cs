namespace UserSystem.Server.Storage;

/// <summary>Log lines both engines write alike (event ids 2000-2099 are the storage's; see also PostgresLog).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "The {Database} cannot be reached or did not answer in time; the call was answered UNAVAILABLE")]
    public static partial void Unavailable(ILogger logger, string database, Exception exception);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Following the change feed from event {Sequence} (user cache invalidation, feed lag)")]
    public static partial void FollowingFeed(ILogger logger, long sequence);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Following the change feed failed; retrying in {RetrySeconds} s")]
    public static partial void FollowFeedFailed(ILogger logger, int retrySeconds, Exception exception);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Reading new events for the watchers failed; they read the table themselves, retrying in {RetrySeconds} s")]
    public static partial void EventTailFailed(ILogger logger, int retrySeconds, Exception exception);
}
