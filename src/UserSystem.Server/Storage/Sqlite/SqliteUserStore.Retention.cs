namespace UserSystem.Server.Storage.Sqlite;

/// <summary>The bounded event history: where it ends, and pruning through the group writer in small chunks.</summary>
public sealed partial class SqliteUserStore
{
    private static readonly EventPruning.Statements PruneSql = new(
        Watermark: UserEventLog.PrunedThroughSql,
        // One writer and deletes only from the oldest end keep ids dense: the newest N are the
        // ids above newest - N (were an id ever missing, fewer than N would be kept, never more).
        Bounds: "SELECT MAX(sequence), MAX(sequence) - @keep FROM user_events;");

    public async Task<EventLogEnd> GetEventLogEndAsync(CancellationToken cancellationToken)
    {
        // Every committed event is readable at once: the single writer commits in sequence order.
        var newest = await NewestEventAsync(cancellationToken);
        return new EventLogEnd(newest, newest);
    }

    // Each chunk is one write in the queue: writers wait for at most one chunk's delete.
    public Task<long> PruneEventsAsync(EventRetention retention, CancellationToken cancellationToken) =>
        EventPruning.PruneAsync(
            retention,
            ct => WriteAsync((write, writeCt) => EventPruning.PruneChunkAsync(write.Connection, PruneSql, SqliteUserRows.Reader, retention, writeCt), ct),
            cancellationToken);

    // Dense ids (see PruneSql): the events above the watermark are the ids between it and the newest.
    public async Task<long> CountPrunableEventsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(_connectionString, cancellationToken);
        await using var command = connection.CreateCommand(
            "SELECT MAX(0, COALESCE((SELECT MAX(sequence) FROM user_events), 0) - (SELECT pruned_through FROM event_history));");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<long> NewestEventAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(_connectionString, cancellationToken);
        await using var command = connection.CreateCommand("SELECT COALESCE(MAX(sequence), 0) FROM user_events;");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
