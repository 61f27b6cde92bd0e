using Microsoft.Data.Sqlite;
using UserSystem.Server.Storage;
using UserSystem.Server.Storage.Sqlite;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Storage;

/// <summary>The storage contract on a real SQLite file of its own per test.</summary>
public sealed class SqliteUserStoreContractTests : UserStoreContractTests
{
    private readonly TempDirectory _directory = new();
    private readonly List<SqliteUserStore> _stores = [];

    protected override Task CreateEmptyDatabaseAsync() => Task.CompletedTask;

    protected override async Task<IUserStore> OpenStoreAsync()
    {
        var store = new SqliteUserStore(_directory.File("users.db"), TimeProvider.System);
        _stores.Add(store);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    protected override async Task<IUserStore> OpenStoreAsync(TimeProvider time)
    {
        var store = new SqliteUserStore(_directory.File("users.db"), time);
        _stores.Add(store);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public override async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        // Pooled connections keep the file open; release them before deleting the folder.
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
