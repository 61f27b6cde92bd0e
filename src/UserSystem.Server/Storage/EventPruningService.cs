using Microsoft.Extensions.Options;
using UserSystem.Server.Observability;

namespace UserSystem.Server.Storage;

/// <summary>
/// Keeps the event history bounded (<see cref="EventHistoryOptions"/>): every
/// <c>PruneIntervalSeconds</c> it deletes the events the retention no longer covers, then reports
/// how full the history is against <c>MaxCount</c> (<c>user_system.event_history.fill_ratio</c>). A failed
/// round is logged and tried again at the next one; several instances on one database may prune
/// at once (each deletion is its own small transaction).
/// </summary>
internal sealed partial class EventPruningService(
    IUserStore store, IOptions<EventHistoryOptions> options, UserSystemMetrics metrics, TimeProvider time, ILogger<EventPruningService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.MaxAgeDays == 0 && settings.MaxCount == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.PruneIntervalSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await PruneOnceAsync(settings, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The server is stopping.
        }
    }

    private async Task PruneOnceAsync(EventHistoryOptions settings, CancellationToken stoppingToken)
    {
        try
        {
            var deleted = await store.PruneEventsAsync(EventRetention.From(settings, time.GetUtcNow()), stoppingToken);
            if (deleted > 0)
            {
                LogPruned(deleted, settings.MaxAgeDays, settings.MaxCount);
            }

            // The operator's warning before count pruning starts (an alert on this gauge).
            if (settings.MaxCount > 0)
            {
                metrics.EventHistoryFill((double)await store.CountPrunableEventsAsync(stoppingToken) / settings.MaxCount);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogPruneFailed(exception);
        }
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Pruned {Count} events beyond the retention (Storage:Events:MaxAgeDays {MaxAgeDays}, MaxCount {MaxCount})")]
    private partial void LogPruned(long count, int maxAgeDays, long maxCount);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Pruning the event history failed; retrying at the next interval")]
    private partial void LogPruneFailed(Exception exception);
}
