using Grpc.Core;
using UserSystem.Server.Security;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>
/// Opens a log scope with the request id and the caller (the token subject, never the token or
/// an email) around the call, so every log line written during it carries both, including the
/// call-finished line (the JSON console formatter writes scopes as fields).
/// </summary>
public sealed class LogScopeInterceptor(ILogger<LogScopeInterceptor> logger) : ServerCallInterceptor
{
    protected override async Task<TResult> InterceptAsync<TResult>(
        MethodType methodType, ServerCallContext context, Func<ServerCallContext, Task<TResult>> continuation)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object>
        {
            ["RequestId"] = context.GetRequestId(),
            ["Actor"] = context.GetCaller().Actor,
        });
        return await continuation(context);
    }
}
