namespace UserSystem.Server.Diagnostics;

/// <summary>Every log line the server writes, with stable event ids.</summary>
internal static partial class Log
{
    // 1000, the call-finished line, is in Rpc/Interceptors/CallLog.cs with the audit lines.

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "gRPC {Method} failed unexpectedly (request id {RequestId})")]
    public static partial void CallCrashed(ILogger logger, string method, string requestId, Exception exception);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "gRPC {Method} stream ended by server shutdown (request id {RequestId})")]
    public static partial void StreamEndedByShutdown(ILogger logger, string method, string requestId);
}
