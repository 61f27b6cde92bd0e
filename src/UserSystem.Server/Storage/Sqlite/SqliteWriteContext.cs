using Microsoft.Data.Sqlite;

namespace UserSystem.Server.Storage.Sqlite;

/// <summary>
/// What one queued write sees: the writer's connection, inside the group's transaction and the
/// write's own savepoint. Commands are prepared once per connection and reused, since the same
/// few statements run for every write.
/// </summary>
internal sealed class SqliteWriteContext(SqliteConnection connection) : IAsyncDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteConnection Connection { get; } = connection;

    /// <summary>The prepared command for <paramref name="sql"/>, with no parameters bound.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand(sql);
            _commands.Add(sql, command);
        }

        command.Parameters.Clear();
        return command;
    }

    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken) =>
        await Command(sql).ExecuteNonQueryAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
        {
            await command.DisposeAsync();
        }

        await Connection.DisposeAsync();
    }
}
