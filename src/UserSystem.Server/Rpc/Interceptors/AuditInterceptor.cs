using Grpc.Core;
using UserSystem.Server.Security;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>
/// Writes one audit line per call: who (the authenticated actor), what (method), the outcome and
/// the request id, for every call including reads; the events table records only the changes.
/// Emails and tokens are never written.
/// </summary>
public sealed class AuditInterceptor(ILogger<AuditInterceptor> logger) : ServerCallInterceptor
{
    // Health probes and reflection change nothing and would drown the trail.
    private const string AuditedServicePrefix = "/user.";

    protected override async Task<TResult> InterceptAsync<TResult>(
        MethodType methodType, ServerCallContext context, Func<ServerCallContext, Task<TResult>> continuation)
    {
        if (!context.Method.StartsWith(AuditedServicePrefix, StringComparison.Ordinal))
        {
            return await continuation(context);
        }

        var actor = context.GetCaller().Actor;
        var requestId = context.GetRequestId();
        return await CallOutcome.ObserveAsync(
            () => continuation(context),
            status => AuditLog.Call(logger, actor, context.Method, status, requestId));
    }
}
