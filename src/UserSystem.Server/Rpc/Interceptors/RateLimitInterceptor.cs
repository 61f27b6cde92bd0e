using Grpc.Core;
using UserSystem.Server.Observability;
using UserSystem.Server.Security;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>
/// A token bucket per caller (token subject, else peer address). An interceptor, not HTTP
/// middleware, so the answer is a gRPC <c>RESOURCE_EXHAUSTED</c> with retry information, and it
/// applies to every protocol that reaches the service (gRPC, gRPC-Web, JSON transcoding).
/// Health checks are exempt: probes must not be refused because a caller is busy.
/// </summary>
public sealed class RateLimitInterceptor(CallerRateLimiters limiters, UserSystemMetrics metrics) : ServerCallInterceptor
{
    private const string HealthServicePrefix = "/grpc.health.v1.Health/";

    protected override async Task<TResult> InterceptAsync<TResult>(
        MethodType methodType, ServerCallContext context, Func<ServerCallContext, Task<TResult>> continuation)
    {
        if (context.Method.StartsWith(HealthServicePrefix, StringComparison.Ordinal))
        {
            return await continuation(context);
        }

        using var lease = limiters.Calls.AttemptAcquire(CallerRateLimiters.PartitionOf(context));
        if (!lease.IsAcquired)
        {
            metrics.RateLimited(context.Method, "rate");
            throw RateLimitRejection.Create(context, lease, limiters.ReplenishmentPeriod, "Rate limit exceeded for this caller (RateLimit:TokensPerPeriod, RateLimit:BurstLimit).");
        }

        return await continuation(context);
    }
}
