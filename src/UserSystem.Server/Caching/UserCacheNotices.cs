using UserSystem.Server.Storage;

namespace UserSystem.Server.Caching;

/// <summary>
/// Invalidates on this instance the users other instances announce as their changes commit
/// (PostgreSQL notifications), without waiting for the ordered feed, which a long write
/// transaction holds back. Only the clock is touched, synchronously on the listener: from then
/// on an entry read before is refused (and replaced by the next read). While notices may be
/// missed the cache is bypassed, and everything read before listening resumes is refused.
/// </summary>
public sealed class UserCacheNotices(InvalidationClock clock, ILogger<UserCacheNotices> logger) : IChangeNoticeSubscriber
{
    private bool _heard;

    public void NotListening()
    {
        clock.MayMissNotices = true;
        if (_heard)
        {
            _heard = false;
            CacheLog.NoticesLost(logger);
        }
    }

    public void Listening()
    {
        // The clock first: nothing read before the gap may be served once the cache is trusted again.
        clock.InvalidateAll();
        clock.MayMissNotices = false;
        _heard = true;
        CacheLog.NoticesHeard(logger);
    }

    public void Changed(IReadOnlyList<int> userIds)
    {
        foreach (var id in userIds)
        {
            clock.Invalidate(id);
        }
    }

    public void EverythingChanged() => clock.InvalidateAll();
}
