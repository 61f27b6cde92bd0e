using Grpc.Core;
using Microsoft.Data.Sqlite;
using UserSystem.Contracts;
using UserSystem.Server.Tests.Security;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Caching;

/// <summary>The GetUser cache on one instance: it serves cached data, and every write on the instance is seen by the next read.</summary>
public sealed class UserCacheTests : IAsyncLifetime
{
    private readonly Tokens _tokens = new();
    private TestServer _server = null!;
    private UserService.UserServiceClient _admin = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(databasePath: null, _tokens.ServerSettings);
        _admin = Tokens.Client(_server, _tokens.Admin());
        await CacheProbe.WaitUntilTrustedAsync(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ChangeBehindTheServersBack_IsNotSeen_BecauseGetUserServesTheCachedUser()
    {
        var user = await CreateAsync("Cached");
        await GetAsync(user.Id);

        // No event, no invalidation: only a cache can still answer the old name.
        await RenameInDatabaseAsync(_server.DatabasePath, user.Id, "Changed directly");
        var read = await GetAsync(user.Id);

        Assert.Equal("Cached", read.Name);
        Assert.NotNull(await CacheProbe.ServedEntryAsync(_server, user.Id));
    }

    [Fact]
    public async Task UpdateUser_ThenGetUser_SeesTheUpdate()
    {
        var user = await CreateAsync("Before");
        await GetAsync(user.Id);

        var updated = await _admin.UpdateUserAsync(new UpdateUserRequest
        {
            User = new Contracts.User { Id = user.Id, Name = "After" },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "name" } },
        }).ResponseAsync.DefaultTimeout();
        var read = await GetAsync(user.Id);

        Assert.Equal("After", read.Name);
        Assert.Equal(updated.Etag, read.Etag);
    }

    [Fact]
    public async Task SuspendedUser_IsPermissionDenied_ThoughItWasCachedActive_AndReadableAgainWhenActivated()
    {
        var user = await CreateAsync("Suspended later");
        await GetAsync(user.Id);

        await SetStatusAsync(user.Id, UserStatus.Suspended);
        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => _admin.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync);
        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => _admin.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync);

        await SetStatusAsync(user.Id, UserStatus.Active);
        Assert.Equal(UserStatus.Active, (await GetAsync(user.Id)).Status);
    }

    [Fact]
    public async Task DeletedUser_IsNotFound_ThoughItWasCached()
    {
        var user = await CreateAsync("Deleted later");
        await GetAsync(user.Id);

        await _admin.DeleteUserAsync(new DeleteUserRequest { Id = user.Id }).ResponseAsync.DefaultTimeout();

        await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => _admin.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync);
        Assert.Null(await CacheProbe.ServedEntryAsync(_server, user.Id));
    }

    [Fact]
    public async Task AnotherUsersCachedUser_IsPermissionDenied_AndTheOwnerStillReadsIt()
    {
        var alice = await CreateAsync("Alice");
        var bob = await CreateAsync("Bob");
        await GetAsync(alice.Id);
        Assert.NotNull(await CacheProbe.ServedEntryAsync(_server, alice.Id));

        var asBob = Tokens.Client(_server, _tokens.Mint("bob", userId: bob.Id));
        var asAlice = Tokens.Client(_server, _tokens.Mint("alice", email: alice.Email));

        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => asBob.GetUserAsync(new GetUserRequest { Id = alice.Id }).ResponseAsync);
        Assert.Equal(alice.Id, (await asAlice.GetUserAsync(new GetUserRequest { Id = alice.Id }).ResponseAsync.DefaultTimeout()).Id);
    }

    [Fact]
    public async Task WithTheCacheDisabled_ChangeBehindTheServersBack_IsSeenAtOnce()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, "Cache:Enabled=false");
        var user = (await server.Client.CreateUserAsync(Users.NewRequest("Stored")).ResponseAsync.DefaultTimeout()).User;
        await server.Client.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync.DefaultTimeout();

        await RenameInDatabaseAsync(server.DatabasePath, user.Id, "Changed directly");
        var read = await server.Client.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync.DefaultTimeout();

        Assert.Equal("Changed directly", read.Name);
    }

    [Fact]
    public async Task WithRedisUnreachable_GetUserAndWritesStillAnswer()
    {
        // Nothing listens there: every Redis operation fails.
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var server = await TestServer.StartAsync(databasePath: null, $"Cache:Redis=127.0.0.1:{port},connectTimeout=500");
        await CacheProbe.WaitUntilTrustedAsync(server);
        var user = (await server.Client.CreateUserAsync(Users.NewRequest("No Redis")).ResponseAsync.DefaultTimeout()).User;

        await server.Client.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync.DefaultTimeout();
        await server.Client.SetUserStatusAsync(new SetUserStatusRequest { Id = user.Id, Status = UserStatus.Suspended }).ResponseAsync.DefaultTimeout();

        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => server.Client.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync);
    }

    private async Task<Contracts.User> CreateAsync(string name) =>
        (await _admin.CreateUserAsync(Users.NewRequest(name)).ResponseAsync.DefaultTimeout()).User;

    private async Task<Contracts.User> GetAsync(int id) =>
        await _admin.GetUserAsync(new GetUserRequest { Id = id }).ResponseAsync.DefaultTimeout();

    private async Task SetStatusAsync(int id, UserStatus status) =>
        await _admin.SetUserStatusAsync(new SetUserStatusRequest { Id = id, Status = status }).ResponseAsync.DefaultTimeout();

    private static async Task RenameInDatabaseAsync(string databasePath, int id, string name)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 5000; UPDATE users SET name = $name WHERE id = $id;";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$id", id);
        Assert.Equal(1, await command.ExecuteNonQueryAsync().DefaultTimeout());
    }
}
