using Npgsql;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage.Postgres;

/// <summary>
/// <c>GetStatsAsync</c>: three reads in one round trip and one snapshot. The counts are sums of
/// the sharded counter rows that writes keep in their own transaction (migration 7): at most 32
/// rows per status and per day, however many users there are.
/// </summary>
public sealed partial class PostgresUserStore
{
    /// <summary>Every user, as the seed's <c>total</c>: the status counters summed.</summary>
    internal const string TotalUsersSql = "SELECT COALESCE(sum(users), 0)::bigint FROM user_status_counts;";

    internal const string CountsByStatusSql = "SELECT status, sum(users)::bigint FROM user_status_counts GROUP BY status;";

    // A day whose users were all deleted sums to zero: left out, as a count of users would.
    internal const string CreatedPerDaySql = """
        SELECT day, sum(users)::bigint FROM user_daily_counts
        WHERE day >= @since GROUP BY day HAVING sum(users) <> 0 ORDER BY day
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
                new NpgsqlBatchCommand(CountsByStatusSql),
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

    /// <summary>The <c>@since</c> parameter of <see cref="CreatedPerDaySql"/>: the first UTC day counted.</summary>
    internal static NpgsqlParameter StartOf(DateOnly firstDay) => new NpgsqlParameter<DateOnly>("since", firstDay);
}
