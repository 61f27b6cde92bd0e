using System.Data;
using System.Data.Common;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage;

/// <summary>
/// The engine-independent part of pruning the event history: chunk after chunk, which events go,
/// and what a reader is told afterwards. The engine says how it reads the watermark and the
/// bounds (<see cref="Statements"/>) and runs each chunk in a transaction of its own.
/// </summary>
internal static class EventPruning
{
    /// <summary>
    /// The engine's SQL. <see cref="Watermark"/>: <c>pruned_through</c>, locked against a concurrent
    /// prune where several writers exist. <see cref="Bounds"/>: the newest event that may be pruned
    /// up to (NULL when none), and, given <c>@keep</c> (NULL: no count limit), the newest event
    /// beyond the newest <c>@keep</c> (NULL when none is).
    /// </summary>
    public sealed record Statements(string Watermark, string Bounds);

    private const string OldestSql =
        "SELECT sequence, occurred_at, kind FROM user_events WHERE sequence > @after AND sequence <= @newest ORDER BY sequence LIMIT @limit;";

    // Below the watermark only protected events are left, kept for their own period.
    private const string KeptBelowSql =
        "SELECT sequence, occurred_at FROM user_events WHERE sequence <= @after ORDER BY sequence LIMIT @limit;";

    private const string DeleteKeptSql = "DELETE FROM user_events WHERE sequence <= @through;";

    private const string DeleteSql =
        $"DELETE FROM user_events WHERE sequence > @after AND sequence <= @through AND (sequence <= @protectedThrough OR kind NOT IN ({ProtectedKindsSql}));";

    private const string ProtectedKindsSql = "'created', 'status_changed', 'deleted'";

    private const string RecordSql = "UPDATE event_history SET pruned_through = @through;";

    /// <summary><see cref="IUserStore.PruneEventsAsync"/>: runs <paramref name="chunk"/> until a chunk deletes less than a full one.</summary>
    public static async Task<long> PruneAsync(EventRetention retention, Func<CancellationToken, Task<long>> chunk, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            var deleted = await chunk(cancellationToken);
            total += deleted;
            if (deleted < retention.ChunkSize)
            {
                return total;
            }
        }
    }

    /// <summary>
    /// Deletes up to <see cref="EventRetention.ChunkSize"/> of the oldest events
    /// <paramref name="retention"/> no longer covers and moves the watermark past them, inside the
    /// transaction the caller holds on <paramref name="connection"/>. Returns how many it deleted.
    /// </summary>
    public static async Task<long> PruneChunkAsync(
        DbConnection connection, Statements sql, UserRowReader rows, EventRetention retention, CancellationToken cancellationToken)
    {
        long prunedThrough;
        await using (var watermark = connection.CreateCommand(sql.Watermark))
        {
            prunedThrough = await watermark.ExecuteInt64Async(cancellationToken);
        }

        long newest;
        long? countCutoff;
        await using (var bounds = connection.CreateCommand(sql.Bounds))
        {
            bounds.AddParameter("@keep", retention.KeepNewest, DbType.Int64);
            await using var reader = await bounds.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (reader.IsDBNull(0))
            {
                return 0;
            }

            newest = reader.GetInt64(0);
            countCutoff = reader.IsDBNull(1) ? null : reader.GetInt64(1);
        }

        var deleted = await DeleteExpiredKeptAsync(connection, rows, prunedThrough, retention, cancellationToken);
        var oldest = new List<(long Sequence, DateTimeOffset Time, string Kind)>(retention.ChunkSize);
        await using (var command = connection.CreateCommand(OldestSql))
        {
            command.AddParameter("@after", prunedThrough);
            command.AddParameter("@newest", newest);
            command.AddParameter("@limit", retention.ChunkSize);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                oldest.Add((reader.GetInt64(0), rows.ReadTime(reader, 1), reader.GetString(2)));
            }
        }

        if (Through(oldest.Select(row => (row.Sequence, row.Time)), newest, countCutoff, retention) is not { } through)
        {
            return deleted;
        }

        // Protected events up to the first one still in its period go too; the rest stay below the watermark.
        var protectedThrough = through;
        foreach (var (sequence, time, kind) in oldest)
        {
            if (sequence <= through && EventRetention.IsProtected(kind) && retention.ProtectedOlderThan is { } keptFrom && time >= keptFrom)
            {
                protectedThrough = sequence - 1;
                break;
            }
        }

        await using (var delete = connection.CreateCommand(DeleteSql))
        {
            delete.AddParameter("@after", prunedThrough);
            delete.AddParameter("@through", through);
            delete.AddParameter("@protectedThrough", protectedThrough);
            deleted += await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var record = connection.CreateCommand(RecordSql);
        record.AddParameter("@through", through);
        await record.ExecuteNonQueryAsync(cancellationToken);
        return deleted;
    }

    // The protected events kept below the watermark whose own period has ended, oldest first.
    private static async Task<long> DeleteExpiredKeptAsync(
        DbConnection connection, UserRowReader rows, long prunedThrough, EventRetention retention, CancellationToken cancellationToken)
    {
        if (retention.ProtectedOlderThan is not { } keptFrom || prunedThrough == 0)
        {
            return 0;
        }

        long? through = null;
        await using (var command = connection.CreateCommand(KeptBelowSql))
        {
            command.AddParameter("@after", prunedThrough);
            command.AddParameter("@limit", retention.ChunkSize);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken) && rows.ReadTime(reader, 1) < keptFrom)
            {
                through = reader.GetInt64(0);
            }
        }

        if (through is null)
        {
            return 0;
        }

        await using var delete = connection.CreateCommand(DeleteKeptSql);
        delete.AddParameter("@through", through.Value);
        return await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The last sequence of the leading run of <paramref name="oldest"/> (events above the
    /// current watermark, ascending) that <paramref name="retention"/> no longer covers, or null
    /// when the oldest of them is still kept. Stops at the first kept event, so the history stays
    /// one unbroken range (but for protected events, kept below the watermark for their own
    /// period), and never reaches <paramref name="newest"/>. Events up to
    /// <paramref name="countCutoff"/> are beyond the newest <see cref="EventRetention.KeepNewest"/> (null: none are).
    /// </summary>
    public static long? Through(IEnumerable<(long Sequence, DateTimeOffset Time)> oldest, long newest, long? countCutoff, EventRetention retention)
    {
        long? through = null;
        foreach (var (sequence, time) in oldest)
        {
            var expired = (retention.OlderThan is { } olderThan && time < olderThan)
                || (countCutoff is { } cutoff && sequence <= cutoff && (retention.CountOlderThan is not { } floor || time < floor));
            if (sequence >= newest || !expired)
            {
                break;
            }

            through = sequence;
        }

        return through;
    }

    /// <summary>
    /// Throws when a reader resumes after <paramref name="afterSequence"/> but events after it
    /// were deleted. Read the watermark after the events: a prune that removed any of them has
    /// then committed before, and the watermark shows it.
    /// </summary>
    public static void ThrowIfPruned(long afterSequence, long prunedThrough)
    {
        if (afterSequence > 0 && afterSequence < prunedThrough)
        {
            throw new EventHistoryPrunedException(afterSequence, prunedThrough);
        }
    }
}
