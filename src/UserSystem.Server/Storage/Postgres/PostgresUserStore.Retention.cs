using Npgsql;

namespace UserSystem.Server.Storage.Postgres;

/// <summary>
/// The bounded event history: the latest id the feed can deliver, and pruning in small
/// transactions. Only final events are pruned (below <see cref="PostgresEventIds.Horizon"/>),
/// so no event can later commit below the watermark.
/// </summary>
public sealed partial class PostgresUserStore
{
    private const string PrunedThroughSql = "SELECT pruned_through FROM event_history;";

    public async Task<long> GetLatestEventSequenceAsync(CancellationToken cancellationToken)
    {
        // Below the horizon, as the feed reads: an event still to commit gets a larger id than this.
        await using var command = _readSource.CreateCommand($"SELECT COALESCE(max(sequence), 0) FROM user_events WHERE sequence < {PostgresEventIds.Horizon};");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<long> PruneEventsAsync(EventRetention retention, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            var deleted = await PruneChunkAsync(retention, cancellationToken);
            total += deleted;
            if (deleted < retention.ChunkSize)
            {
                return total;
            }
        }
    }

    private async Task<long> PruneChunkAsync(EventRetention retention, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // FOR UPDATE: instances pruning at once take turns instead of deleting the same rows.
        long prunedThrough;
        await using (var watermark = new NpgsqlCommand("SELECT pruned_through FROM event_history FOR UPDATE;", connection, transaction))
        {
            prunedThrough = (long)(await watermark.ExecuteScalarAsync(cancellationToken))!;
        }

        long newest;
        long? countCutoff = null;
        await using (var bounds = new NpgsqlCommand($"""
            SELECT max(sequence),
                   (SELECT sequence FROM user_events WHERE sequence < {PostgresEventIds.Horizon} ORDER BY sequence DESC OFFSET @keep LIMIT 1)
            FROM user_events WHERE sequence < {PostgresEventIds.Horizon};
            """, connection, transaction))
        {
            bounds.Parameters.Add(new NpgsqlParameter<long>("keep", retention.KeepNewest ?? long.MaxValue));
            await using var reader = await bounds.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (reader.IsDBNull(0))
            {
                return 0;
            }

            newest = reader.GetInt64(0);
            if (retention.KeepNewest is not null && !reader.IsDBNull(1))
            {
                countCutoff = reader.GetInt64(1);
            }
        }

        var rows = new List<(long, DateTimeOffset)>(retention.ChunkSize);
        await using (var oldest = new NpgsqlCommand("SELECT sequence, occurred_at FROM user_events WHERE sequence > @after AND sequence <= @newest ORDER BY sequence LIMIT @limit;", connection, transaction))
        {
            oldest.Parameters.Add(new NpgsqlParameter<long>("after", prunedThrough));
            oldest.Parameters.Add(new NpgsqlParameter<long>("newest", newest));
            oldest.Parameters.Add(new NpgsqlParameter<int>("limit", retention.ChunkSize));
            await using var reader = await oldest.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1)));
            }
        }

        if (EventPruning.Through(rows, newest, countCutoff, retention) is not { } through)
        {
            return 0;
        }

        long deleted;
        await using (var delete = new NpgsqlCommand("DELETE FROM user_events WHERE sequence > @after AND sequence <= @through;", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter<long>("after", prunedThrough));
            delete.Parameters.Add(new NpgsqlParameter<long>("through", through));
            deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var record = new NpgsqlCommand("UPDATE event_history SET pruned_through = @through;", connection, transaction);
        record.Parameters.Add(new NpgsqlParameter<long>("through", through));
        await record.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }
}
