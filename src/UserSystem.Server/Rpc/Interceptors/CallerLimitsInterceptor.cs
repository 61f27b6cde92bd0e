using Grpc.Core;
using UserSystem.Server.Diagnostics;
using UserSystem.Server.Observability;
using UserSystem.Server.Security;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>
/// The per-caller limits (token subject, else peer address), before any work: a token bucket of
/// calls, then, for streaming calls, a cap on the streams one caller holds open
/// (<c>RateLimit:MaxConcurrentStreams</c>; streams are cheap to start and can be held for long,
/// so the call rate alone does not bound them). Rate first: a refused call must not hold a
/// stream slot. An interceptor, not HTTP middleware, so the answer is a gRPC
/// <c>RESOURCE_EXHAUSTED</c> with retry information on every protocol that reaches the service
/// (gRPC, gRPC-Web, JSON transcoding). Health checks are exempt: probes must not be refused
/// because a caller is busy.
/// </summary>
public sealed class CallerLimitsInterceptor(CallerRateLimiters limiters, UserSystemMetrics metrics) : ServerCallInterceptor
{
    private const string HealthServicePrefix = "/grpc.health.v1.Health/";

    protected override async Task<TResult> InterceptAsync<TResult>(
        MethodType methodType, ServerCallContext context, Func<ServerCallContext, Task<TResult>> continuation)
    {
        CallTrace.Mark(context.GetHttpContext(), CallTrace.CallerLimits);
        if (context.Method.StartsWith(HealthServicePrefix, StringComparison.Ordinal))
        {
            return await continuation(context);
        }

        var partition = CallerRateLimiters.PartitionOf(context);
        using (var lease = limiters.Calls.AttemptAcquire(partition))
        {
            if (!lease.IsAcquired)
            {
                metrics.RateLimited(context.Method, "rate");
                throw RateLimitRejection.Create(context, lease, limiters.ReplenishmentPeriod, "Rate limit exceeded for this caller (RateLimit:TokensPerPeriod, RateLimit:BurstLimit).");
            }
        }

        if (methodType == MethodType.Unary)
        {
            return await continuation(context);
        }

        // Held for the whole stream; disposing it frees the slot however the stream ends.
        using var stream = limiters.Streams.AttemptAcquire(partition);
        if (!stream.IsAcquired)
        {
            metrics.RateLimited(context.Method, "concurrent_streams");
            throw RateLimitRejection.Create(context, stream, TimeSpan.FromSeconds(1),
                $"Too many open streams for this caller (at most {limiters.MaxConcurrentStreams}, RateLimit:MaxConcurrentStreams).");
        }

        return await continuation(context);
    }
}
