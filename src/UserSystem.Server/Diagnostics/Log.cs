namespace UserSystem.Server.Diagnostics;

/// <summary>
/// The call pipeline's crash and shutdown lines. Each area keeps its own [LoggerMessage] class
/// (CallLog, AuditLog, SecurityLog, PostgresLog, CacheLog, ...) with its own event ids; the client
/// library's ClientLog uses 6000 and up.
/// </summary>
internal static partial class Log
{
    // 1000, the call-finished line, is in Rpc/Interceptors/CallLog.cs with the audit lines.

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "gRPC {Method} failed unexpectedly (request id {RequestId})")]
    public static partial void CallCrashed(ILogger logger, string method, string requestId, Exception exception);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "gRPC {Method} stream ended by server shutdown (request id {RequestId})")]
    public static partial void StreamEndedByShutdown(ILogger logger, string method, string requestId);
}
