namespace UserSystem.Server.Storage;

/// <summary>
/// The one follower of the change feed in this process. It starts at "now", reads each page of
/// new events once and hands it to every <see cref="IChangeFeedSubscriber"/> (the user cache's
/// invalidation's backstop, and the feed-lag gauge through <see cref="DeliveredThrough"/>), every
/// <see cref="MaxFeedWait"/>, however many consumers there are and however often commits come. Watchers
/// (<c>WatchUsers</c>) are woken by each commit instead: they share the <see cref="EventTail"/>,
/// and read on their own only to resume from an older point of the history.
/// </summary>
public sealed class ChangeFeedFollower(
    IUserStore store, IEnumerable<IChangeFeedSubscriber> subscribers, TimeProvider time, ILogger<ChangeFeedFollower> logger)
    : BackgroundService
{
    /// <summary>
    /// How often this follower re-reads the feed. It is not woken by each commit: the instance that
    /// wrote has invalidated already, and on PostgreSQL every other instance hears the changed ids
    /// from the post-commit notification, so a re-read per commit per instance would only repeat
    /// that work on the write path's database. The period bounds how stale another process's cache
    /// can be on SQLite (no notifications there), and on PostgreSQL when a notification was never
    /// sent (a writer that died between its commit and its notification).
    /// </summary>
    public static readonly TimeSpan MaxFeedWait = TimeSpan.FromSeconds(5);

    private const int PageSize = 500;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly IChangeFeedSubscriber[] _subscribers = [.. subscribers];
    private long _delivered = -1;

    /// <summary>The sequence of the last event handed to the subscribers (or where following started); -1 before it starts.</summary>
    public long DeliveredThrough => Volatile.Read(ref _delivered);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var afterGap = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var position = (await store.GetEventLogEndAsync(stoppingToken)).Readable;
                Volatile.Write(ref _delivered, position);
                foreach (var subscriber in _subscribers)
                {
                    subscriber.Following(position, afterGap);
                }

                StorageLog.FollowingFeed(logger, position);
                await FollowAsync(position, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                afterGap = true;
                foreach (var subscriber in _subscribers)
                {
                    subscriber.Stopped(exception);
                }

                StorageLog.FollowFeedFailed(logger, (int)RetryDelay.TotalSeconds, exception);
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
        // After the loop has ended, so no call to a subscriber can follow this one.
        await base.StopAsync(cancellationToken);
        foreach (var subscriber in _subscribers)
        {
            subscriber.Stopped(null);
        }
    }

    private async Task FollowAsync(long afterSequence, CancellationToken stoppingToken)
    {
        while (true)
        {
            var events = await store.ReadEventsAsync(afterSequence, PageSize, stoppingToken);
            if (events.Count > 0)
            {
                foreach (var subscriber in _subscribers)
                {
                    await subscriber.OnChangesAsync(events);
                }

                afterSequence = events[^1].Sequence;
                Volatile.Write(ref _delivered, afterSequence);
            }

            if (events.Count < PageSize)
            {
                await Task.Delay(MaxFeedWait, time, stoppingToken);
            }
        }
    }
}
