namespace UserSystem.Server.Storage.Sqlite;

/// <summary>The bounded event history: the latest id, and pruning through the group writer in small chunks.</summary>
public sealed partial class SqliteUserStore
{
    private const string PrunedThroughSql = "SELECT pruned_through FROM event_history;";

    public async Task<long> GetLatestEventSequenceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(_connectionString, cancellationToken);
        await using var command = connection.CreateCommand("SELECT COALESCE(MAX(sequence), 0) FROM user_events;");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<long> PruneEventsAsync(EventRetention retention, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            // Each chunk is one write in the queue: writers wait for at most one chunk's delete.
            var deleted = await _writes.WriteAsync((write, ct) => PruneChunkAsync(write, retention, ct), cancellationToken);
            total += deleted;
            if (deleted < retention.ChunkSize)
            {
                return total;
            }
        }
    }

    private static async Task<long> PruneChunkAsync(SqliteWriteContext write, EventRetention retention, CancellationToken cancellationToken)
    {
        var prunedThrough = (long)(await write.Command(PrunedThroughSql).ExecuteScalarAsync(cancellationToken))!;
        if (await write.Command("SELECT MAX(sequence) FROM user_events;").ExecuteScalarAsync(cancellationToken) is not long newest)
        {
            return 0;
        }

        // One writer and deletes only from the oldest end keep ids dense: the newest N are the
        // ids above newest - N (were an id ever missing, fewer than N would be kept, never more).
        long? countCutoff = retention.KeepNewest is { } keep && newest - keep > prunedThrough ? newest - keep : null;
        var oldest = write.Command("SELECT sequence, occurred_at FROM user_events WHERE sequence > $after ORDER BY sequence LIMIT $limit;");
        oldest.Parameters.AddWithValue("$after", prunedThrough);
        oldest.Parameters.AddWithValue("$limit", retention.ChunkSize);
        var rows = new List<(long, DateTimeOffset)>(retention.ChunkSize);
        await using (var reader = await oldest.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt64(0), SqliteUserRows.FromMicros(reader.GetInt64(1))));
            }
        }

        if (EventPruning.Through(rows, newest, countCutoff, retention) is not { } through)
        {
            return 0;
        }

        var delete = write.Command("DELETE FROM user_events WHERE sequence > $after AND sequence <= $through;");
        delete.Parameters.AddWithValue("$after", prunedThrough);
        delete.Parameters.AddWithValue("$through", through);
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
        var record = write.Command("UPDATE event_history SET pruned_through = $through;");
        record.Parameters.AddWithValue("$through", through);
        await record.ExecuteNonQueryAsync(cancellationToken);
        return deleted;
    }
}
