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

        await other.CreateAsync(new Domain.NewUser("Elsewhere", $"{Guid.NewGuid():N}@example.com", 30, []), CancellationToken.None);

        // Only NOTIFY can wake it: the writer is another store with its own in-process signal.
        await woken.DefaultTimeout();
        Assert.Single(await Store.ReadEventsAsync(0, 10, CancellationToken.None));
    }

    public override async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }
}
