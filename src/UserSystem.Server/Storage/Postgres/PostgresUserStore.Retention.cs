namespace UserSystem.Server.Storage.Postgres;

/// <summary>
/// The bounded event history: where it ends, and pruning in small transactions. Only final
/// events are pruned (below <see cref="PostgresEventIds.Horizon"/>), so no event can later commit
/// below the watermark.
/// </summary>
public sealed partial class PostgresUserStore
{
    private static readonly EventPruning.Statements PruneSql = new(
        // FOR UPDATE: instances pruning at once take turns instead of deleting the same rows.
        Watermark: "SELECT pruned_through FROM event_history FOR UPDATE;",
        // Ids are sparse (see PostgresEventIds): the newest @keep are counted, not computed.
        Bounds: $"""
            SELECT max(sequence),
                   CASE WHEN @keep IS NULL THEN NULL ELSE
                       (SELECT sequence FROM user_events WHERE sequence < {PostgresEventIds.Horizon} ORDER BY sequence DESC OFFSET @keep LIMIT 1)
                   END
            FROM user_events WHERE sequence < {PostgresEventIds.Horizon};
            """);

    public Task<EventLogEnd> GetEventLogEndAsync(CancellationToken cancellationToken) => WhileAvailableAsync(ReadEventLogEndAsync, cancellationToken);

    private async Task<EventLogEnd> ReadEventLogEndAsync(CancellationToken cancellationToken)
    {
        // Readable: below the horizon, as the feed reads (an event still to commit gets a larger id).
        // Committed: delivered or not; the primary key answers both.
        await using var command = _readSource.CreateCommand($"""
            SELECT (SELECT COALESCE(max(sequence), 0) FROM user_events WHERE sequence < {PostgresEventIds.Horizon}),
                   (SELECT COALESCE(max(sequence), 0) FROM user_events);
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new EventLogEnd(reader.GetInt64(0), reader.GetInt64(1));
    }

    public Task<long> PruneEventsAsync(EventRetention retention, CancellationToken cancellationToken) =>
        EventPruning.PruneAsync(retention, ct => PruneChunkAsync(retention, ct), cancellationToken);

    // Ids are sparse: counted (the count limit's own bound query reads as many rows each round).
    public async Task<long> CountPrunableEventsAsync(CancellationToken cancellationToken)
    {
        await using var command = _readSource.CreateCommand("SELECT count(*) FROM user_events WHERE sequence > (SELECT pruned_through FROM event_history);");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<long> PruneChunkAsync(EventRetention retention, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await EventPruning.PruneChunkAsync(connection, PruneSql, PostgresUserRows.Reader, retention, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }
}
