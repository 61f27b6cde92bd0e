using System.Threading.RateLimiting;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace UserSystem.Server.Security;

/// <summary>The per-caller limiters: a token bucket of calls and a concurrency limit on streams.</summary>
public sealed class CallerRateLimiters : IDisposable
{
    public CallerRateLimiters(IOptions<RateLimitOptions> options)
    {
        var limits = options.Value;
        ReplenishmentPeriod = TimeSpan.FromSeconds(limits.ReplenishmentPeriodSeconds);
        Calls = PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.BurstLimit,
            TokensPerPeriod = limits.TokensPerPeriod,
            ReplenishmentPeriod = ReplenishmentPeriod,
            AutoReplenishment = true,
            // No queue: a call over the limit is answered at once, the client decides when to retry.
            QueueLimit = 0,
        }));
        Streams = PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetConcurrencyLimiter(caller, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = limits.MaxConcurrentStreams,
            QueueLimit = 0,
        }));
        MaxConcurrentStreams = limits.MaxConcurrentStreams;
    }

    public PartitionedRateLimiter<string> Calls { get; }

    public PartitionedRateLimiter<string> Streams { get; }

    public TimeSpan ReplenishmentPeriod { get; }

    public int MaxConcurrentStreams { get; }

    /// <summary>The token's subject, else the peer's IP address (port excluded: one host, one bucket).</summary>
    public static string PartitionOf(ServerCallContext context)
    {
        var subject = context.GetCaller().Subject;
        if (subject is not null)
        {
            return "sub:" + subject;
        }

        var address = context.GetHttpContext().Connection.RemoteIpAddress;
        return "ip:" + (address?.ToString() ?? context.Peer);
    }

    public void Dispose()
    {
        Calls.Dispose();
        Streams.Dispose();
    }
}
