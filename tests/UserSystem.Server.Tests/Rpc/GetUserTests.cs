using Grpc.Core;
using Microsoft.Data.Sqlite;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Rpc;

public sealed class GetUserTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private UserService.UserServiceClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _client = _server.Client;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ExistingUser_IsReturned()
    {
        var created = (await _client.CreateUserAsync(Users.NewRequest(name: "Linus")).ResponseAsync.DefaultTimeout()).User;

        var fetched = await _client.GetUserAsync(new GetUserRequest { Id = created.Id }).ResponseAsync.DefaultTimeout();

        Assert.Equal(created, fetched);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-7)]
    public async Task NonPositiveId_IsInvalidArgument_OnId(int id)
    {
        var exception = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => _client.GetUserAsync(new GetUserRequest { Id = id }).ResponseAsync);

        Assert.Equal(["id"], RpcAssert.ViolatedFields(exception));
    }

    [Fact]
    public async Task UnknownId_IsNotFound()
    {
        var exception = await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => _client.GetUserAsync(new GetUserRequest { Id = 4242 }).ResponseAsync);

        Assert.Equal("User 4242 was not found", exception.Status.Detail);
    }

    [Fact]
    public async Task SuspendedUser_IsPermissionDenied()
    {
        var created = (await _client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout()).User;
        // No RPC suspends users yet; set the status in the database as an operator would.
        await using (var connection = new SqliteConnection($"Data Source={_server.DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE users SET status = 2 WHERE id = $id";
            command.Parameters.AddWithValue("$id", created.Id);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var exception = await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => _client.GetUserAsync(new GetUserRequest { Id = created.Id }).ResponseAsync);

        Assert.Equal($"User {created.Id} is suspended", exception.Status.Detail);
    }
}
