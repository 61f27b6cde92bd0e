using Grpc.Core;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>Audit and limit log lines, with stable event ids (4100-4199).</summary>
internal static partial class AuditLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "audit: {Actor} called {Method}: {Outcome} in {ElapsedMilliseconds:0.0} ms (request id {RequestId})")]
    public static partial void Call(ILogger logger, string actor, string method, StatusCode outcome, double elapsedMilliseconds, string requestId);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "gRPC {Method} stream ended after the server's maximum duration of {MaxSeconds} s (request id {RequestId})")]
    public static partial void StreamTooLong(ILogger logger, string method, int maxSeconds, string requestId);
}
