namespace UserSystem.Server.Caching;

/// <summary>
/// When this instance last invalidated each user, so an entry read from the store before an
/// invalidation is never served after it, wherever it comes from: a read that raced a write on
/// this instance and stored its (old) result after the write's removal, or an entry another
/// instance put into Redis before it heard of the change. Removal alone cannot close those races.
/// </summary>
/// <remarks>
/// Users share stripes (id modulo <see cref="StripeCount"/>), so memory stays fixed whatever the
/// number of users; a write to one user only costs its stripe-mates a fresh read. Times are UTC
/// ticks so that entries written by other instances compare too (their clocks are assumed to
/// agree as NTP keeps them: see docs/design/cache-coherence.md).
/// </remarks>
public sealed class InvalidationClock(TimeProvider time)
{
    public const int StripeCount = 1 << 14;

    private readonly long[] _stripes = new long[StripeCount];
    private long _all;
    private volatile bool _following;
    private volatile bool _mayMissNotices;

    /// <summary>Whether this instance follows the change feed.</summary>
    public bool IsFollowing
    {
        get => _following;
        set => _following = value;
    }

    /// <summary>
    /// Whether other instances' change notices may be missed now (PostgreSQL: not listening). Engines
    /// without notices never set it; their cache relies on the feed alone.
    /// </summary>
    public bool MayMissNotices
    {
        get => _mayMissNotices;
        set => _mayMissNotices = value;
    }

    /// <summary>Whether cache entries may be served: the feed is followed and no notice can be missed. Otherwise the cache is bypassed.</summary>
    public bool IsTrusted => _following && !_mayMissNotices;

    /// <summary>The time to stamp a store read with: take it before the read starts.</summary>
    public long Now() => time.GetUtcNow().UtcTicks;

    /// <summary>Rejects every entry of <paramref name="id"/>'s stripe read until now.</summary>
    public void Invalidate(int id) => RaiseTo(ref _stripes[Stripe(id)], Now());

    /// <summary>Rejects every entry read until now (after a gap in following the feed or in hearing notices).</summary>
    public void InvalidateAll() => RaiseTo(ref _all, Now());

    /// <summary>Whether a read of <paramref name="id"/> that started at <paramref name="readAt"/> is still good.</summary>
    public bool IsCurrent(int id, long readAt) =>
        readAt > Volatile.Read(ref _stripes[Stripe(id)]) && readAt > Volatile.Read(ref _all);

    private static int Stripe(int id) => id & (StripeCount - 1);

    // Never lowers a stamp: a wall clock stepped back must not revive old entries.
    private static void RaiseTo(ref long stamp, long value)
    {
        var current = Volatile.Read(ref stamp);
        while (current < value)
        {
            var seen = Interlocked.CompareExchange(ref stamp, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
