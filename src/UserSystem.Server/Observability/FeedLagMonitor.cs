using UserSystem.Server.Storage;

namespace UserSystem.Server.Observability;

/// <summary>
/// Measures whether the change feed keeps up: it follows the feed as a watcher does
/// (<see cref="UserEventFeed.FollowEventsAsync"/>) and, every <see cref="SampleInterval"/>, asks
/// the store for the newest committed event. The lag is how long ago the feed was first seen
/// behind an event it still has not delivered; 0 when it has caught up. A feed held back (on
/// PostgreSQL, by a long transaction below the horizon) or stuck shows as a lag that grows.
/// </summary>
public sealed partial class FeedLagMonitor(IUserStore store, UserSystemMetrics metrics, TimeProvider time, ILogger<FeedLagMonitor> logger) : BackgroundService
{
    internal static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(2);

    private long _delivered;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Committed events the feed had not delivered when sampled, oldest first: (sequence, first seen).
        var behind = new Queue<(long Sequence, DateTimeOffset Seen)>();
        Task? follower = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var newest = (await store.GetEventLogEndAsync(stoppingToken)).Committed;
                if (follower is null || follower.IsCompleted)
                {
                    // (Re)start at the newest event: history is not this monitor's business.
                    Volatile.Write(ref _delivered, newest);
                    behind.Clear();
                    follower = FollowAsync(newest, stoppingToken);
                }

                var delivered = Volatile.Read(ref _delivered);
                var now = time.GetUtcNow();
                if (newest > delivered && (behind.Count == 0 || behind.Last().Sequence < newest))
                {
                    behind.Enqueue((newest, now));
                }

                while (behind.Count > 0 && behind.Peek().Sequence <= delivered)
                {
                    behind.Dequeue();
                }

                metrics.FeedLag(behind.Count == 0 ? TimeSpan.Zero : now - behind.Peek().Seen);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The store is away: health reports that; the lag keeps its last value meanwhile.
                SampleFailed(logger, exception);
            }

            try
            {
                await Task.Delay(SampleInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        if (follower is not null)
        {
            await follower.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task FollowAsync(long after, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in store.FollowEventsAsync(after, stoppingToken))
            {
                Volatile.Write(ref _delivered, change.Sequence);
            }
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // Restarted at the next sample.
            FollowFailed(logger, exception);
        }
    }

    [LoggerMessage(EventId = 5000, Level = LogLevel.Warning, Message = "Feed lag: could not read the newest event")]
    private static partial void SampleFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Feed lag: following the change feed failed; restarting")]
    private static partial void FollowFailed(ILogger logger, Exception exception);
}
