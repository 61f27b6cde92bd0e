using Microsoft.Data.Sqlite;
using UserSystem.Server.Domain;
using UserSystem.Server.Storage.Sqlite;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Storage;

/// <summary>A database written by the first release (schema version 1) opens, upgrades and keeps its users.</summary>
public sealed class SqliteMigrationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task VersionOneDatabase_IsUpgraded_AndItsUsersCanBeChanged()
    {
        var path = _directory.File("users.db");
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);"
                + SqliteMigrations.All[0].Sql
                + """
                  INSERT INTO schema_migrations VALUES (1, 0);
                  INSERT INTO users (name, email, email_key, age, hobbies, status, created_at, updated_at)
                  VALUES ('Old', 'old@example.com', 'OLD@EXAMPLE.COM', 40, '["rowing"]', 1, 0, 0);
                  """;
            await command.ExecuteNonQueryAsync();
        }

        var store = new SqliteUserStore(path, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);

        var old = await store.FindAsync(1, CancellationToken.None);
        var updated = await store.UpdateAsync(1, new UserChanges(Age: 41), expectedVersion: 1, ChangeContext.None, CancellationToken.None);

        Assert.Equal(("Old", 1L), (old!.Name, old.Version));
        Assert.Equal(["rowing"], old.Hobbies);
        Assert.Equal((41, 2L), (updated.Age, updated.Version));
        Assert.Equal([UserEventKind.Updated], (await store.ReadEventsAsync(0, 10, CancellationToken.None)).Select(e => e.Kind));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
