using Microsoft.Extensions.Options;
using UserSystem.Server.Domain;
using UserSystem.Server.Storage;

namespace UserSystem.Server.Caching;

/// <summary>
/// Invalidates every changed user on this instance (and in Redis), whichever instance made the
/// change, from the change feed (<see cref="ChangeFeedFollower"/>). Each instance follows the
/// feed, so each in-process level hears of every change; the instance that wrote has already
/// invalidated in its write path. On PostgreSQL <see cref="UserCacheNotices"/> hears of other
/// instances' changes first, and this is the backstop for a notice that never came (its writer
/// crashed after the commit). While the feed is not followed the cache is bypassed.
/// </summary>
public sealed class UserCacheInvalidator(UserCache cache, InvalidationClock clock, IOptions<CacheOptions> options, ILogger<UserCacheInvalidator> logger)
    : IChangeFeedSubscriber
{
    private readonly HashSet<int> _changed = [];

    public void Following(long position, bool afterGap)
    {
        if (afterGap)
        {
            // Changes during the gap were not seen: nothing cached before it is trusted.
            clock.InvalidateAll();
        }
        else
        {
            // The first start (the only one without a gap before it).
            CacheLog.Configured(logger, options.Value.UsesRedis ? "Redis" : "none", options.Value.ExpirationSeconds);
        }

        clock.IsFollowing = true;
        CacheLog.Following(logger, position);
    }

    public void Stopped(Exception? failure)
    {
        clock.IsFollowing = false;
        if (failure is not null)
        {
            CacheLog.Bypassed(logger);
        }
    }

    public async ValueTask OnChangesAsync(IReadOnlyList<UserEvent> changes)
    {
        _changed.Clear();
        foreach (var change in changes)
        {
            // Nothing is cached for a user that did not exist (misses are not cached).
            if (change.Kind != UserEventKind.Created)
            {
                _changed.Add(change.UserId);
            }
        }

        await cache.InvalidateAsync(_changed);
    }
}
