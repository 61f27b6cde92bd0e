using System.Threading.RateLimiting;
using UserSystem.Server.Security;

namespace UserSystem.UnitTests.Security;

/// <summary>One limiter per key, refilled by the partitioned limiter's heartbeat.</summary>
public sealed class KeyedLimitersTests
{
    [Fact]
    public void OneKey_SharesOneBucket_AndOtherKeysHaveTheirOwn()
    {
        using var limiters = new KeyedLimiters<TokenBucketRateLimiter>(_ => TokenBuckets.Create(burst: 2, perPeriod: 1, TimeSpan.FromHours(1)));

        Assert.True(limiters.AttemptAcquire("sub:a").IsAcquired);
        Assert.True(limiters.AttemptAcquire("sub:a").IsAcquired);
        Assert.False(limiters.AttemptAcquire("sub:a").IsAcquired);
        Assert.True(limiters.AttemptAcquire("sub:b").IsAcquired);
    }

    [Fact]
    public void ARefusal_SaysWhenToRetry()
    {
        using var limiters = new KeyedLimiters<TokenBucketRateLimiter>(_ => TokenBuckets.Create(burst: 1, perPeriod: 1, TimeSpan.FromSeconds(30)));
        limiters.AttemptAcquire("ip:1").Dispose();

        using var refused = limiters.AttemptAcquire("ip:1");

        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task AnEmptiedBucket_IsRefilledByTheHeartbeat()
    {
        using var limiters = new KeyedLimiters<TokenBucketRateLimiter>(_ => TokenBuckets.Create(burst: 1, perPeriod: 1, TimeSpan.FromMilliseconds(50)));
        Assert.True(limiters.AttemptAcquire("sub:a").IsAcquired);
        Assert.False(limiters.AttemptAcquire("sub:a").IsAcquired);

        // The buckets have no timers of their own: only the partitioned limiter's heartbeat can refill this one.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!limiters.AttemptAcquire("sub:a").IsAcquired)
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    [Fact]
    public void AConcurrencyLimit_IsHeldUntilTheLeaseIsDisposed()
    {
        using var limiters = new KeyedLimiters<ConcurrencyLimiter>(_ => new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 0 }));

        var first = limiters.AttemptAcquire("sub:a");
        Assert.True(first.IsAcquired);
        Assert.False(limiters.AttemptAcquire("sub:a").IsAcquired);
        first.Dispose();

        Assert.True(limiters.AttemptAcquire("sub:a").IsAcquired);
    }
}
