using Microsoft.Data.Sqlite;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage.Sqlite;

/// <summary><c>GetStatsAsync</c>: three reads in one snapshot; the daily counts walk <c>users_created_at</c> (migration 3).</summary>
public sealed partial class SqliteUserStore
{
    private const long MicrosPerDay = 86_400_000_000;
    private static readonly int EpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;

    // created_at is Unix microseconds, so integer division gives the UTC day; the range
    // condition on the bare column is what lets SQLite search the index.
    internal const string CreatedPerDaySql =
        "SELECT created_at / $micros_per_day AS day, count(*) FROM users WHERE created_at >= $since GROUP BY day ORDER BY day;";

    public async Task<UserStats> GetStatsAsync(DateOnly firstDay, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(_connectionString, cancellationToken);
        // Deferred: a read transaction, so the three reads see one snapshot without taking the write lock.
        await using var transaction = connection.BeginTransaction(deferred: true);
        var byStatus = Enum.GetValues<AccountStatus>().ToDictionary(status => status, _ => 0L);
        await using (var command = connection.CreateCommand("SELECT status, count(*) FROM users GROUP BY status;"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                byStatus[(AccountStatus)reader.GetInt32(0)] = reader.GetInt64(1);
            }
        }

        var perDay = new List<DailyCount>();
        await using (var command = connection.CreateCommand(CreatedPerDaySql))
        {
            AddCreatedPerDayParameters(command, firstDay);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                perDay.Add(new DailyCount(DateOnly.FromDayNumber(EpochDayNumber + (int)reader.GetInt64(0)), reader.GetInt64(1)));
            }
        }

        long latest;
        await using (var command = connection.CreateCommand("SELECT COALESCE(MAX(sequence), 0) FROM user_events;"))
        {
            latest = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        await transaction.CommitAsync(cancellationToken);
        return new UserStats(byStatus, perDay, latest);
    }

    internal static void AddCreatedPerDayParameters(SqliteCommand command, DateOnly firstDay)
    {
        command.Parameters.AddWithValue("$micros_per_day", MicrosPerDay);
        command.Parameters.AddWithValue("$since", (long)(firstDay.DayNumber - EpochDayNumber) * MicrosPerDay);
    }
}
