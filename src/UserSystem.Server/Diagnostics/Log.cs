using Grpc.Core;

namespace UserSystem.Server.Diagnostics;

/// <summary>Every log line the server writes, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "gRPC {Method} finished with {StatusCode} in {ElapsedMilliseconds:0.0} ms (request id {RequestId})")]
    public static partial void CallFinished(ILogger logger, string method, StatusCode statusCode, double elapsedMilliseconds, string requestId);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "gRPC {Method} failed unexpectedly (request id {RequestId})")]
    public static partial void CallCrashed(ILogger logger, string method, string requestId, Exception exception);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "gRPC {Method} stream ended by server shutdown (request id {RequestId})")]
    public static partial void StreamEndedByShutdown(ILogger logger, string method, string requestId);
}
