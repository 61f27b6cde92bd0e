using Npgsql;

namespace UserSystem.Server.Storage.Postgres;

/// <summary>Applies <see cref="PostgresMigrations"/> not yet recorded in <c>schema_migrations</c>.</summary>
internal static class PostgresMigrator
{
    // Any fixed number works; it only has to be the same in every instance of this service.
    private const long MigrationLockKey = 0x5553_4552_5359_5331; // "USERSYS1"

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Instances starting together queue on this lock, so each step runs exactly once and
        // nobody serves on a half-migrated schema. It is released by the commit (or a crash).
        // The session's write timeouts do not fit here: waiting for another instance's migration,
        // or a step on a large table, may rightly take long.
        await ExecuteAsync(connection, "SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = 0;", cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLockKey});", cancellationToken);
        await ExecuteAsync(
            connection,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());",
            cancellationToken);

        var applied = new HashSet<int>();
        await using (var command = new NpgsqlCommand("SELECT version FROM schema_migrations;", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        foreach (var (version, sql) in PostgresMigrations.All.Where(step => !applied.Contains(step.Version)))
        {
            await ExecuteAsync(connection, sql, cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (version) VALUES ($1);", connection);
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
