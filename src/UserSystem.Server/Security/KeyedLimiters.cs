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
/// so dropping it changes nothing. A call may fetch a limiter just as the sweep drops it: if it
/// acquires before the disposal, it is counted on that limiter alone (a caller may get one permit
/// past its limit, once); if after, the disposed limiter throws, and the call takes the new one.
/// </summary>
public sealed class KeyedLimiters<TLimiter> : IDisposable where TLimiter : RateLimiter
{
    public static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan TickPeriod = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<string, TLimiter> _limiters = new(StringComparer.Ordinal);
    private readonly Func<string, TLimiter> _create;
    private readonly TimeSpan _idleLimit;
    private readonly Timer _ticks;
    private volatile bool _disposed;

    public KeyedLimiters(Func<string, TLimiter> create)
        : this(create, IdleLimit)
    {
    }

    /// <summary>With another idle limit (tests sweep with zero to race the sweep against acquires).</summary>
    internal KeyedLimiters(Func<string, TLimiter> create, TimeSpan idleLimit)
    {
        _create = create;
        _idleLimit = idleLimit;
        _ticks = new Timer(_ => Tick(), null, TickPeriod, TickPeriod);
    }

    public int Count => _limiters.Count;

    public RateLimitLease AttemptAcquire(string key)
    {
        while (true)
        {
            var limiter = _limiters.GetOrAdd(key, _create);
            try
            {
                return limiter.AttemptAcquire();
            }
            catch (ObjectDisposedException) when (!_disposed)
            {
                // Swept between the lookup and the acquire: it is out of the dictionary, so the next lookup adds a new one.
            }
        }
    }

    /// <summary>Replenishes the token buckets and drops idle limiters; the timer runs it every 100 ms.</summary>
    internal void Tick()
    {
        foreach (var (key, limiter) in _limiters)
        {
            if (limiter is ReplenishingRateLimiter { IsAutoReplenishing: false } bucket)
            {
                bucket.TryReplenish();
            }

            if (limiter.IdleDuration > _idleLimit && _limiters.TryRemove(new KeyValuePair<string, TLimiter>(key, limiter)))
            {
                limiter.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _ticks.Dispose();
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }

        _limiters.Clear();
    }
}
