using Microsoft.Data.Sqlite;

namespace UserSystem.Server.Storage.Sqlite;

/// <summary>Applies <see cref="SqliteMigrations"/> not yet recorded in <c>schema_migrations</c>.</summary>
internal static class SqliteMigrator
{
    public static async Task MigrateAsync(SqliteConnection connection, long nowMicros, CancellationToken cancellationToken)
    {
        // WAL lets readers proceed during a write; the setting is stored in the file.
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;", cancellationToken);
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);",
            cancellationToken);

        // IMMEDIATE takes the write lock up front, so processes starting together on one file
        // apply each step once.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var applied = new HashSet<long>();
        await using (var command = connection.CreateCommand("SELECT version FROM schema_migrations;"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt64(0));
            }
        }

        foreach (var (version, sql) in SqliteMigrations.All.Where(step => !applied.Contains(step.Version)))
        {
            await connection.ExecuteAsync(sql, cancellationToken);
            await using var record = connection.CreateCommand("INSERT INTO schema_migrations (version, applied_at) VALUES ($version, $now);");
            record.Parameters.AddWithValue("$version", version);
            record.Parameters.AddWithValue("$now", nowMicros);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
