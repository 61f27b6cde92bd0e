using System.Diagnostics;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using UserSystem.Server.Observability;

namespace UserSystem.Server.Security;

/// <summary>
/// The per-caller limits (token subject, else peer address), right after authorization: the
/// caller is known, and nothing of the request has been read or parsed yet, so a refused call
/// costs no deserialization and no interceptor. A token bucket of calls first, then, for streaming
/// calls, a cap on the streams one caller holds open (<c>RateLimit:MaxConcurrentStreams</c>;
/// streams are cheap to start and can be held for long, so the call rate alone does not bound
/// them), held until the stream ends. Rate first: a refused call must not hold a stream slot.
/// Every gRPC method endpoint is covered (gRPC, gRPC-Web, JSON transcoding, and the anonymous
/// health and reflection services, which share their peer address's anonymous bucket); calls
/// that authorization refused never get here (<see cref="AuditingAuthorizationResultHandler"/>).
/// </summary>
public sealed class CallerLimitsMiddleware(RequestDelegate next, CallerRateLimiters limiters, UserSystemMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var method = context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method;
        if (method is null)
        {
            await next(context);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var partition = CallerRateLimiters.PartitionOf(context);
        using (var lease = limiters.Calls.AttemptAcquire(partition))
        {
            if (!lease.IsAcquired)
            {
                metrics.RateLimited(method.FullName, "rate", Stopwatch.GetElapsedTime(started));
                await RateLimitRejection.WriteAsync(context, RateLimitRejection.RetryAfterSeconds(lease, limiters.ReplenishmentPeriod),
                    "Rate limit exceeded for this caller (RateLimit:TokensPerPeriod, RateLimit:BurstLimit).");
                return;
            }
        }

        if (method.Type == MethodType.Unary)
        {
            await next(context);
            return;
        }

        // Held for the whole stream; disposing it frees the slot however the stream ends.
        using var stream = limiters.Streams.AttemptAcquire(partition);
        if (!stream.IsAcquired)
        {
            metrics.RateLimited(method.FullName, "concurrent_streams", Stopwatch.GetElapsedTime(started));
            await RateLimitRejection.WriteAsync(context, RateLimitRejection.RetryAfterSeconds(stream, TimeSpan.FromSeconds(1)),
                $"Too many open streams for this caller (at most {limiters.MaxConcurrentStreams}, RateLimit:MaxConcurrentStreams).");
            return;
        }

        await next(context);
    }
}
