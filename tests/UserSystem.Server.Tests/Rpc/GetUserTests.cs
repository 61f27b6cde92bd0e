using Grpc.Core;
using Microsoft.Data.Sqlite;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Rpc;

public sealed class GetUserTests : ServerTestBase
{

    [Fact]
    public async Task ExistingUser_IsReturned()
    {
        var created = (await Client.CreateUserAsync(Users.NewRequest(name: "Linus")).ResponseAsync.DefaultTimeout()).User;

        var fetched = await Client.GetUserAsync(new GetUserRequest { Id = created.Id }).ResponseAsync.DefaultTimeout();

        Assert.Equal(created, fetched);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-7)]
    public async Task NonPositiveId_IsInvalidArgument_OnId(int id)
    {
        var exception = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => Client.GetUserAsync(new GetUserRequest { Id = id }).ResponseAsync);

        Assert.Equal(["id"], RpcAssert.ViolatedFields(exception));
    }

    [Fact]
    public async Task UnknownId_IsNotFound()
    {
        var exception = await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => Client.GetUserAsync(new GetUserRequest { Id = 4242 }).ResponseAsync);

        Assert.Equal("User 4242 was not found", exception.Status.Detail);
    }

    [Fact]
    public async Task SuspendedUser_IsPermissionDenied()
    {
        var created = (await Client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout()).User;
        // No RPC suspends users yet; set the status in the database as an operator would.
        await using (var connection = new SqliteConnection($"Data Source={Server.DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE users SET status = 2 WHERE id = $id";
            command.Parameters.AddWithValue("$id", created.Id);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var exception = await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => Client.GetUserAsync(new GetUserRequest { Id = created.Id }).ResponseAsync);

        Assert.Equal($"User {created.Id} is suspended", exception.Status.Detail);
    }
}
