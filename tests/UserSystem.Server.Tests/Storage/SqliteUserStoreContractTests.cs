using Microsoft.Data.Sqlite;
using UserSystem.Server.Storage;
using UserSystem.Server.Storage.Sqlite;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Storage;

/// <summary>The storage contract on a real SQLite file of its own per test.</summary>
public sealed class SqliteUserStoreContractTests : UserStoreContractTests
{
    private readonly TempDirectory _directory = new();

    protected override Task CreateEmptyDatabaseAsync() => Task.CompletedTask;

    protected override async Task<IUserStore> OpenStoreAsync()
    {
        var store = new SqliteUserStore(_directory.File("users.db"), TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public override Task DisposeAsync()
    {
        // Pooled connections keep the file open; release them before deleting the folder.
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
