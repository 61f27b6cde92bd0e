using System.Threading.RateLimiting;

namespace UserSystem.Server.Security;

/// <summary>The token bucket every per-key limit uses; the heartbeat of <see cref="KeyedLimiters{TLimiter}"/>'s partitioned limiter replenishes it.</summary>
internal static class TokenBuckets
{
    public static TokenBucketRateLimiter Create(int burst, int perPeriod, TimeSpan period) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = burst,
        TokensPerPeriod = perPeriod,
        ReplenishmentPeriod = period,
        AutoReplenishment = false,
        // No queue: a call over the limit is answered at once, the client decides when to retry.
        QueueLimit = 0,
    });
}
