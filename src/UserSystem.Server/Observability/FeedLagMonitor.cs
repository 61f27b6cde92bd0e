using UserSystem.Server.Storage;

namespace UserSystem.Server.Observability;

/// <summary>
/// Measures whether the change feed keeps up: every <see cref="SampleInterval"/> it asks the store
/// for the newest committed event and compares it with what this instance's
/// <see cref="ChangeFeedFollower"/> has delivered. The lag is how long ago the feed was first seen
/// behind an event it still has not delivered; 0 when it has caught up. A feed held back (on
/// PostgreSQL, by a long transaction below the horizon) or stuck shows as a lag that grows.
/// </summary>
public sealed partial class FeedLagMonitor(
    IUserStore store, ChangeFeedFollower follower, UserSystemMetrics metrics, TimeProvider time, ILogger<FeedLagMonitor> logger)
    : BackgroundService
{
    internal static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Committed events the feed had not delivered when sampled, oldest first: (sequence, first seen).
        var behind = new Queue<(long Sequence, DateTimeOffset Seen)>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var newest = (await store.GetEventLogEndAsync(stoppingToken)).Committed;
                var delivered = follower.DeliveredThrough;
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
    }

    [LoggerMessage(EventId = 5000, Level = LogLevel.Warning, Message = "Feed lag: could not read the newest event")]
    private static partial void SampleFailed(ILogger logger, Exception exception);
}
