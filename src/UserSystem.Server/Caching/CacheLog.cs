namespace UserSystem.Server.Caching;

/// <summary>The user cache's log lines, with stable event ids (2300-2399).</summary>
internal static partial class CacheLog
{
    [LoggerMessage(EventId = 2300, Level = LogLevel.Information, Message = "User cache follows the change feed from event {Sequence}")]
    public static partial void Following(ILogger logger, long sequence);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "The change feed is not followed; the user cache is bypassed until it resumes")]
    public static partial void Bypassed(ILogger logger);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "The cache failed for user {UserId}; the call reads the store (an entry that could not be removed is still refused here and expires by itself)")]
    public static partial void CacheFailed(ILogger logger, int userId, Exception exception);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Information, Message = "User cache: in process, second level {Level}, entries expire after {ExpirationSeconds} s")]
    public static partial void Configured(ILogger logger, string level, int expirationSeconds);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Warning, Message = "Other instances' change notices are not heard; the user cache is bypassed until they are")]
    public static partial void NoticesLost(ILogger logger);

    [LoggerMessage(EventId = 2305, Level = LogLevel.Information, Message = "User cache hears other instances' change notices; entries read before now are refused")]
    public static partial void NoticesHeard(ILogger logger);
}
