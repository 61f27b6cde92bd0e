using System.Diagnostics;
using Grpc.Core;
using UserSystem.Server.Diagnostics;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>Logs every call once it ends: method, final status, duration and request id.</summary>
public sealed class CallLoggingInterceptor(ILogger<CallLoggingInterceptor> logger) : ServerCallInterceptor
{
    protected override async Task<TResult> InterceptAsync<TResult>(
        MethodType methodType, ServerCallContext context, Func<ServerCallContext, Task<TResult>> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        return await CallOutcome.ObserveAsync(
            () => continuation(context),
            status => Log.CallFinished(logger, context.Method, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds, context.GetRequestId()));
    }
}
