using UserSystem.Server.Storage;
using UserSystem.Server.Storage.Postgres;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Storage;

/// <summary>The storage contract on a real PostgreSQL, in a fresh database per test.</summary>
public sealed class PostgresUserStoreContractTests : UserStoreContractTests
{
    private readonly List<PostgresUserStore> _stores = [];
    private string _connectionString = "";

    protected override async Task CreateEmptyDatabaseAsync()
    {
        var server = await PostgresServer.GetAsync().DefaultTimeout();
        _connectionString = await server.CreateDatabaseAsync();
    }

    protected override async Task<IUserStore> OpenStoreAsync()
    {
        var store = new PostgresUserStore(_connectionString, TimeProvider.System);
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
    }
}
