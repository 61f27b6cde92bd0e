using Microsoft.Data.Sqlite;

namespace UserSystem.Server.Storage.Sqlite;

internal static class SqliteCommandExtensions
{
    public static SqliteCommand CreateCommand(this SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    public static async Task ExecuteAsync(this SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
