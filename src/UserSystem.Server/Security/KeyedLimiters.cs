using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace UserSystem.Server.Security;

/// <summary>
/// One rate limiter per key (a caller, a peer address), found without a shared lock.
/// System.Threading.RateLimiting's <c>PartitionedRateLimiter.Create</c> takes one lock for every
/// acquire; profiled on GetUser it was the most contended lock of a call (about 3% of the server's
/// CPU on 2 cores). Here a lookup is a <see cref="ConcurrentDictionary{TKey,TValue}"/> read, and one
/// timer does what that limiter's heartbeat does: it replenishes every token bucket (created with
/// <c>AutoReplenishment = false</c>, so no timer per bucket) and drops limiters idle for
/// <see cref="IdleLimit"/>. An idle limiter is full (a token bucket) or unused (a concurrency limit),
/// so dropping it changes nothing; a call that fetched one just as it was dropped is counted on it
/// alone, which can let a caller one permit past its limit once.
/// </summary>
public sealed class KeyedLimiters<TLimiter> : IDisposable where TLimiter : RateLimiter
{
    public static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan TickPeriod = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<string, TLimiter> _limiters = new(StringComparer.Ordinal);
    private readonly Func<string, TLimiter> _create;
    private readonly Timer _ticks;

    public KeyedLimiters(Func<string, TLimiter> create)
    {
        _create = create;
        _ticks = new Timer(_ => Tick(), null, TickPeriod, TickPeriod);
    }

    public int Count => _limiters.Count;

    public RateLimitLease AttemptAcquire(string key) => _limiters.GetOrAdd(key, _create).AttemptAcquire();

    private void Tick()
    {
        foreach (var (key, limiter) in _limiters)
        {
            if (limiter is ReplenishingRateLimiter { IsAutoReplenishing: false } bucket)
            {
                bucket.TryReplenish();
            }

            if (limiter.IdleDuration > IdleLimit && _limiters.TryRemove(new KeyValuePair<string, TLimiter>(key, limiter)))
            {
                limiter.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _ticks.Dispose();
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }

        _limiters.Clear();
    }
}
