using Npgsql;
using UserSystem.Server.Storage;
using UserSystem.Server.Storage.Postgres;
using UserSystem.Testing;
using UserSystem.Validation;

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

    protected override async Task<IUserStore> OpenStoreAsync(TimeProvider time)
    {
        var store = new PostgresUserStore(_connectionString, time);
        _stores.Add(store);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    [Fact]
    public async Task WaitForEvents_WakesUpWhenAnotherInstanceCommits()
    {
        var other = await OpenStoreAsync();
        // Wait until an event exists; the first wake-up may be the listener's own "connected" pulse.
        var woken = Task.Run(async () =>
        {
            while ((await Store.ReadEventsAsync(0, 10, CancellationToken.None)).Count == 0)
            {
                await Store.WaitForEventsAsync(0, Timeout.InfiniteTimeSpan, CancellationToken.None);
            }
        });
        await Task.Delay(200);

        await other.CreateAsync(new NewUser("Elsewhere", $"{Guid.NewGuid():N}@example.com", 30, []), CancellationToken.None);

        // Only NOTIFY can wake it: the writer is another store with its own in-process signal.
        await woken.DefaultTimeout();
        Assert.Single(await Store.ReadEventsAsync(0, 10, CancellationToken.None));
    }

    [Fact]
    public async Task WatcherWhoseListenConnectionIsKilled_StillGetsTheNextEvent()
    {
        var other = await OpenStoreAsync();
        await Store.WaitForEventsAsync(0, TimeSpan.FromMilliseconds(200), CancellationToken.None);
        await using (var admin = new NpgsqlConnection(_connectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'user-system-listener';", admin);
            Assert.True((long)(await kill.ExecuteScalarAsync())! >= 1);
        }

        var woken = Task.Run(async () =>
        {
            while ((await Store.ReadEventsAsync(0, 10, CancellationToken.None)).Count == 0)
            {
                await Store.WaitForEventsAsync(0, Timeout.InfiniteTimeSpan, CancellationToken.None);
            }
        });
        await other.CreateAsync(new NewUser("After the cut", $"{Guid.NewGuid():N}@example.com", 30, []), CancellationToken.None);

        // Woken by the listener's reconnect (it re-reads after any gap), never lost.
        await woken.DefaultTimeout();
    }

    [Fact]
    public async Task Initialize_ManyInstancesAtOnce_AppliesEachMigrationOnce()
    {
        var server = await PostgresServer.GetAsync().DefaultTimeout();
        var fresh = await server.CreateDatabaseAsync();
        var stores = Enumerable.Range(0, 5).Select(_ => new PostgresUserStore(fresh, TimeProvider.System)).ToList();
        _stores.AddRange(stores);

        await Task.WhenAll(stores.Select(store => store.InitializeAsync(CancellationToken.None))).DefaultTimeout();

        await using var connection = new NpgsqlConnection(fresh);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*), count(DISTINCT version) FROM schema_migrations;", connection);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(reader.GetInt64(1), reader.GetInt64(0));
        Assert.True(reader.GetInt64(0) >= 2);
        await ((IUserStore)stores[3]).CreateAsync(new NewUser("Works", $"{Guid.NewGuid():N}@example.com", 30, []), CancellationToken.None);
    }

    public override async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }
}
