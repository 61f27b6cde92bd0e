using Grpc.Core;
using UserSystem.Server.Observability;
using UserSystem.Server.Security;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>
/// Caps the streaming calls one caller holds open at once (<c>RateLimit:MaxConcurrentStreams</c>):
/// streams are cheap to start and can be held for a long time, so the call rate alone does not bound them.
/// </summary>
public sealed class StreamConcurrencyInterceptor(CallerRateLimiters limiters, UserSystemMetrics metrics) : ServerCallInterceptor
{
    protected override async Task<TResult> InterceptAsync<TResult>(
        MethodType methodType, ServerCallContext context, Func<ServerCallContext, Task<TResult>> continuation)
    {
        if (methodType == MethodType.Unary)
        {
            return await continuation(context);
        }

        // Held for the whole stream; disposing it frees the slot however the stream ends.
        using var lease = limiters.Streams.AttemptAcquire(CallerRateLimiters.PartitionOf(context));
        if (!lease.IsAcquired)
        {
            metrics.RateLimited(context.Method, "concurrent_streams");
            throw RateLimitRejection.Create(context, lease, TimeSpan.FromSeconds(1),
                $"Too many open streams for this caller (at most {limiters.MaxConcurrentStreams}, RateLimit:MaxConcurrentStreams).");
        }

        return await continuation(context);
    }
}
