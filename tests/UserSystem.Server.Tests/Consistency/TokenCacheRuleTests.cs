using Grpc.Core;
using Npgsql;
using UserSystem.Contracts;
using UserSystem.Server.Tests.Caching;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Consistency;

/// <summary>
/// With several hosts in the connection string, a GetUser that carries a token is a cache miss
/// and leaves nothing in the cache (a standby's row may be older than an invalidation this
/// instance has applied). One PostgreSQL listed twice stands in for a cluster: reads meant for a
/// standby find none and fall back to it as the primary.
/// </summary>
public sealed class TokenCacheRuleTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        var database = new NpgsqlConnectionStringBuilder(await (await PostgresServer.GetAsync().DefaultTimeout()).CreateDatabaseAsync().DefaultTimeout());
        database.Host = $"{database.Host}:{database.Port},{database.Host}:{database.Port}";
        _server = await TestServer.StartAsync(databasePath: null, "Storage:Provider=Postgres", $"ConnectionStrings:Postgres={database.ConnectionString}");
        await CacheProbe.WaitUntilTrustedAsync(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GetUserWithAToken_WithSeveralHosts_NeitherReadsNorFillsTheCache()
    {
        var client = _server.Client;
        using var create = client.CreateUserAsync(Users.NewRequest());
        var created = (await create.ResponseAsync.DefaultTimeout()).User;
        var token = (await create.ResponseHeadersAsync.DefaultTimeout()).GetValue(ConsistencyToken.Header)!;

        var read = await client.GetUserAsync(new GetUserRequest { Id = created.Id }, new Metadata { { ConsistencyToken.Header, token } }).ResponseAsync.DefaultTimeout();
        Assert.Equal(created.Email, read.Email);
        Assert.Null(await CacheProbe.ServedEntryAsync(_server, created.Id));

        // Without a token the same read fills the cache, as it always did.
        await client.GetUserAsync(new GetUserRequest { Id = created.Id }).ResponseAsync.DefaultTimeout();
        Assert.NotNull(await CacheProbe.ServedEntryAsync(_server, created.Id));
    }
}
