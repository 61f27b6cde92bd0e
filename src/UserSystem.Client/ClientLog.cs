using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace UserSystem.Client;

/// <summary>Every log line the client library writes, with stable event ids.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Debug, Message = "gRPC {Method} finished with OK in {ElapsedMilliseconds:0.0} ms")]
    public static partial void CallSucceeded(ILogger logger, string method, double elapsedMilliseconds);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "gRPC {Method} failed with {StatusCode} in {ElapsedMilliseconds:0.0} ms: {Detail}")]
    public static partial void CallFailed(ILogger logger, string method, StatusCode statusCode, double elapsedMilliseconds, string detail);
}
