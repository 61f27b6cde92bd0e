using Npgsql;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage.Postgres;

/// <summary><c>GetStatsAsync</c>: three reads in one round trip and one snapshot; the daily counts scan <c>users_created_at</c> (migration 3).</summary>
public sealed partial class PostgresUserStore
{
    // The range condition on the bare column is what the index serves; the day is computed after.
    internal const string CreatedPerDaySql = """
        SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) FROM users
        WHERE created_at >= @since GROUP BY day ORDER BY day
        """;

    public Task<UserStats> GetStatsAsync(DateOnly firstDay, CancellationToken cancellationToken) =>
        WhileAvailableAsync(ct => _router.ReadAsync((connection, readCt) => ReadStatsAsync(connection, firstDay, readCt), ct), cancellationToken);

    private static async Task<UserStats> ReadStatsAsync(NpgsqlConnection connection, DateOnly firstDay, CancellationToken cancellationToken)
    {
        // REPEATABLE READ: the three reads see one snapshot.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT status, count(*) FROM users GROUP BY status"),
                new NpgsqlBatchCommand(CreatedPerDaySql) { Parameters = { StartOf(firstDay) } },
                // The newest event the feed would deliver now (below the horizon, see PostgresEventIds):
                // a watcher from here misses nothing. It may repeat a few changes counted above, from
                // transactions that committed while an older one was still running.
                new NpgsqlBatchCommand($"SELECT COALESCE(max(sequence), 0) FROM user_events WHERE sequence < {PostgresEventIds.Horizon}"),
            },
        };
        var byStatus = Enum.GetValues<AccountStatus>().ToDictionary(status => status, _ => 0L);
        var perDay = new List<DailyCount>();
        long latest;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                byStatus[(AccountStatus)reader.GetInt32(0)] = reader.GetInt64(1);
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                perDay.Add(new DailyCount(reader.GetFieldValue<DateOnly>(0), reader.GetInt64(1)));
            }

            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            latest = reader.GetInt64(0);
        }

        await transaction.CommitAsync(cancellationToken);
        return new UserStats(byStatus, perDay, latest);
    }

    /// <summary>The <c>@since</c> parameter of <see cref="CreatedPerDaySql"/>: midnight UTC at the start of <paramref name="firstDay"/>.</summary>
    internal static NpgsqlParameter StartOf(DateOnly firstDay) =>
        new NpgsqlParameter<DateTimeOffset>("since", new DateTimeOffset(firstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
}
