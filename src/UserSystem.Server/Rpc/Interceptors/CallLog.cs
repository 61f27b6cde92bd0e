using Grpc.Core;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>
/// The per-call lines, each in its own category: the call-finished line (1000; 1003 for a
/// successful read) and the audit line (4100; 4102 for a successful read). Only successful reads
/// are sampled (Observability/CallLogSampling); their own event ids let a log query tell them apart.
/// A successful change writes its audit line alone, with the duration: a second line would say
/// nothing more, and each JSON line costs a few percent of the server's CPU at full write load.
/// </summary>
internal static partial class CallLog
{
    public const string CallsCategory = "UserSystem.Server.Calls";
    public const string AuditCategory = "UserSystem.Server.Audit";

    private const int ReadFinishedEventId = 1003;
    private const int ReadAuditedEventId = 4102;

    private const string Service = "/user.UserService/";

    public static void Finished(ILogger logger, bool successfulRead, string method, StatusCode status, double elapsedMilliseconds, string requestId)
    {
        if (successfulRead)
        {
            ReadFinished(logger, method, status, elapsedMilliseconds, requestId);
        }
        else
        {
            CallFinished(logger, method, status, elapsedMilliseconds, requestId);
        }
    }

    public static void Audit(ILogger logger, bool successfulRead, string actor, string method, StatusCode status, double elapsedMilliseconds, string requestId)
    {
        if (successfulRead)
        {
            ReadAudited(logger, actor, method, status, requestId);
        }
        else
        {
            AuditLog.Call(logger, actor, method, status, elapsedMilliseconds, requestId);
        }
    }

    // Reads change nothing; every other method of the service changes users.
    public static bool IsRead(string method) =>
        method.StartsWith(Service, StringComparison.Ordinal) && method.AsSpan(Service.Length) is "GetUser" or "ListUsers" or "StreamUsers" or "WatchUsers";

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "gRPC {Method} finished with {StatusCode} in {ElapsedMilliseconds:0.0} ms (request id {RequestId})")]
    private static partial void CallFinished(ILogger logger, string method, StatusCode statusCode, double elapsedMilliseconds, string requestId);

    [LoggerMessage(EventId = ReadFinishedEventId, Level = LogLevel.Information, Message = "gRPC {Method} finished with {StatusCode} in {ElapsedMilliseconds:0.0} ms (request id {RequestId})")]
    private static partial void ReadFinished(ILogger logger, string method, StatusCode statusCode, double elapsedMilliseconds, string requestId);

    [LoggerMessage(EventId = ReadAuditedEventId, Level = LogLevel.Information, Message = "audit: {Actor} called {Method}: {Outcome} (request id {RequestId})")]
    private static partial void ReadAudited(ILogger logger, string actor, string method, StatusCode outcome, string requestId);
}
