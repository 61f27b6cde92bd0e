using System.Threading.RateLimiting;

namespace UserSystem.Server.Security;

/// <summary>
/// One rate limiter per key (a caller, a peer address): System.Threading.RateLimiting's
/// <c>PartitionedRateLimiter</c>, whose heartbeat replenishes the token buckets (created with
/// <c>AutoReplenishment = false</c>, so no timer per bucket) and drops limiters that have been
/// idle. A hand-written lock-free version measured within the noise of this one
/// (docs/decisions/trials.md), so the framework's part does it.
/// </summary>
public sealed class KeyedLimiters<TLimiter>(Func<string, TLimiter> create) : IDisposable where TLimiter : RateLimiter
{
    private readonly PartitionedRateLimiter<string> _limiters =
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.Get(key, create));

    public RateLimitLease AttemptAcquire(string key) => _limiters.AttemptAcquire(key);

    /// <summary>How many permits the key's limiter has granted so far (0 for a key never seen).</summary>
    public long GrantedTo(string key) => _limiters.GetStatistics(key)?.TotalSuccessfulLeases ?? 0;

    public void Dispose() => _limiters.Dispose();
}
