using System.Data.Common;

namespace UserSystem.Server.Storage;

/// <summary>
/// Applies the steps of an engine's append-only schema that <c>schema_migrations</c> does not
/// record yet, and records them, all in the transaction the engine opened for it. The engine's
/// transaction is what makes instances starting together take turns (SQLite's write lock, an
/// advisory lock on PostgreSQL), so each step runs exactly once.
/// </summary>
internal static class SchemaMigrator
{
    /// <summary>Records a step; <paramref name="recordSql"/> takes its version as <c>@version</c>.</summary>
    public static async Task MigrateAsync(
        DbTransaction transaction, IReadOnlyList<(int Version, string Sql)> steps, string recordSql, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        var applied = new HashSet<long>();
        await using (var command = Command(transaction, "SELECT version FROM schema_migrations;"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        foreach (var (version, sql) in steps.Where(step => !applied.Contains(step.Version)))
        {
            await using (var step = Command(transaction, sql))
            {
                await step.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var record = Command(transaction, recordSql);
            record.AddParameter("@version", version);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static DbCommand Command(DbTransaction transaction, string sql)
    {
        var command = transaction.Connection!.CreateCommand(sql);
        command.Transaction = transaction;
        // A step on a large table, or waiting for another instance's migration, may rightly take long.
        command.CommandTimeout = 0;
        return command;
    }
}
