namespace UserSystem.Server.Storage;

/// <summary>Log lines both engines write alike (event ids 2000-2099 are the storage's; see also PostgresLog).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "The {Database} cannot be reached or did not answer in time; the call was answered UNAVAILABLE")]
    public static partial void Unavailable(ILogger logger, string database, Exception exception);
}
