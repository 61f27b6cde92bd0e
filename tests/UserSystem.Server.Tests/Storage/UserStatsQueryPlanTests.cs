using Microsoft.Data.Sqlite;
using Npgsql;
using UserSystem.Server.Storage.Postgres;
using UserSystem.Server.Storage.Sqlite;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Storage;

/// <summary>
/// The statistics never scan the users: SQLite's daily sign-up counts read the creation-time index
/// over the asked days, PostgreSQL's counts read counter rows; each planner is asked about the
/// store's own query.
/// </summary>
public sealed class UserStatsQueryPlanTests
{
    [Fact]
    public async Task Sqlite_CreatedPerDay_SearchesTheCreationTimeIndex()
    {
        using var directory = new TempDirectory();
        await using var store = new SqliteUserStore(directory.File("users.db"), TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        try
        {
            await using var connection = new SqliteConnection($"Data Source={directory.File("users.db")}");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + SqliteUserStore.CreatedPerDaySql;
            SqliteUserStore.AddCreatedPerDayParameters(command, new DateOnly(2026, 1, 1));
            var plan = await ReadPlanAsync(command);

            Assert.Contains("USING COVERING INDEX users_created_at (created_at>?)", plan, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    [Fact]
    public async Task Postgres_StatsAndTotal_ReadTheCountersNeverTheUsers()
    {
        await using var connection = await OpenMigratedPostgresAsync();
        await using (var fill = new NpgsqlCommand("""
            INSERT INTO users (name, email, email_key, age, hobbies, status, created_at, updated_at)
            SELECT 'u' || i, i || '@example.com', i || '@EXAMPLE.COM', 30, '{}', 1,
                   timestamptz '2024-01-01 00:00Z' + i * interval '80 minutes', now()
            FROM generate_series(1, 20000) AS i;
            ANALYZE;
            """, connection))
        {
            await fill.ExecuteNonQueryAsync();
        }

        foreach (var sql in new[] { PostgresUserStore.CreatedPerDaySql, PostgresUserStore.CountsByStatusSql, PostgresUserStore.TotalUsersSql })
        {
            await using var explain = new NpgsqlCommand("EXPLAIN " + sql, connection) { Parameters = { PostgresUserStore.StartOf(new DateOnly(2026, 12, 1)) } };
            var plan = await ReadPlanAsync(explain);

            Assert.DoesNotContain(" on users", plan, StringComparison.Ordinal);
            Assert.Matches("on user_(daily|status)_counts", plan);
        }
    }

    [Fact]
    public async Task Postgres_FeedWakeUpCheck_NeverScansTheEvents_EvenAsAGenericPlan()
    {
        await using var connection = await OpenMigratedPostgresAsync();
        await using (var fill = new NpgsqlCommand("""
            INSERT INTO user_events (sequence, user_id, kind, actor, request_id, occurred_at, name, email, age, hobbies, status, created_at, updated_at, version)
            SELECT i, i, 'CREATED', 'a', NULL, now(), 'u', i || '@example.com', 30, '{}', 1, now(), now(), 1
            FROM generate_series(1, 20000) AS i;
            ANALYZE user_events;
            SET plan_cache_mode = force_generic_plan;
            """, connection))
        {
            await fill.ExecuteNonQueryAsync();
        }

        // The wake-up check as the feed runs it: a prepared statement, asked whether anything is
        // newer than the newest event (nothing is), with the plan made for any value.
        await using (var prepare = new NpgsqlCommand("PREPARE ready(bigint) AS " + PostgresUserStore.FeedReadySql.Replace("@after", "$1", StringComparison.Ordinal), connection))
        {
            await prepare.ExecuteNonQueryAsync();
        }

        var plan = await ReadPlanAsync(new NpgsqlCommand("EXPLAIN EXECUTE ready(20000)", connection));

        Assert.Contains("user_events_pkey", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on user_events", plan, StringComparison.Ordinal);
    }

    // A fresh database with the store's schema, and a connection to it.
    private static async Task<NpgsqlConnection> OpenMigratedPostgresAsync()
    {
        var server = await PostgresServer.GetAsync().DefaultTimeout();
        var connectionString = await server.CreateDatabaseAsync();
        await using (var store = new PostgresUserStore(connectionString, TimeProvider.System))
        {
            await store.InitializeAsync(CancellationToken.None);
        }

        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<string> ReadPlanAsync(System.Data.Common.DbCommand command)
    {
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            // SQLite: (id, parent, notused, detail); PostgreSQL: one text column per line.
            lines.Add(reader.GetString(reader.FieldCount - 1));
        }

        return string.Join('\n', lines);
    }
}
