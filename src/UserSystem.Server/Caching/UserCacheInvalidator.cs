using Microsoft.Extensions.Options;
using UserSystem.Server.Domain;
using UserSystem.Server.Storage;

namespace UserSystem.Server.Caching;

/// <summary>
/// Follows the change feed from "now" and invalidates every changed user on this instance (and in
/// Redis), whichever instance made the change. Each instance runs one, so each in-process level
/// hears of every change; the instance that wrote has already invalidated in its write path.
/// </summary>
public sealed class UserCacheInvalidator(
    IUserStore store, UserCache cache, InvalidationClock clock, IOptions<CacheOptions> options, TimeProvider time, ILogger<UserCacheInvalidator> logger)
    : BackgroundService
{
    /// <summary>
    /// The longest this follower sleeps without re-reading the feed. A change made on this instance
    /// (or, on PostgreSQL, announced by NOTIFY) wakes it at once; a change by another process on
    /// the same SQLite file, or a lost notification, waits at most this long: with the time to read
    /// and apply the page, it is the bound on how stale another instance's cache can be.
    /// </summary>
    public static readonly TimeSpan MaxFeedWait = TimeSpan.FromSeconds(5);

    private const int PageSize = 500;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        CacheLog.Configured(logger, options.Value.UsesRedis ? "Redis" : "none", options.Value.ExpirationSeconds);
        var resumed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var position = (await store.GetEventLogEndAsync(stoppingToken)).Readable;
                if (resumed)
                {
                    // Changes during the gap were not seen: nothing cached before it is trusted.
                    clock.InvalidateAll();
                }

                clock.IsFollowing = true;
                CacheLog.Following(logger, position);
                await FollowAsync(position, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                clock.IsFollowing = false;
                resumed = true;
                CacheLog.FollowFailed(logger, (int)RetryDelay.TotalSeconds, exception);
                try
                {
                    await Task.Delay(RetryDelay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        clock.IsFollowing = false;
        await base.StopAsync(cancellationToken);
    }

    private async Task FollowAsync(long afterSequence, CancellationToken stoppingToken)
    {
        var changed = new HashSet<int>();
        while (true)
        {
            var events = await store.ReadEventsAsync(afterSequence, PageSize, stoppingToken);
            changed.Clear();
            foreach (var change in events)
            {
                // Nothing is cached for a user that did not exist (misses are not cached).
                if (change.Kind != UserEventKind.Created)
                {
                    changed.Add(change.UserId);
                }

                afterSequence = change.Sequence;
            }

            await cache.InvalidateAsync(changed);
            if (events.Count < PageSize)
            {
                await store.WaitForEventsAsync(afterSequence, MaxFeedWait, stoppingToken);
            }
        }
    }
}
