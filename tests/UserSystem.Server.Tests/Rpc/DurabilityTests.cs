using Grpc.Core;
using Microsoft.Data.Sqlite;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Rpc;

/// <summary>Concurrency, restarts and failures seen through the RPCs.</summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task ManyParallelCreates_AreAllStored_WithDistinctIds()
    {
        await using var server = await TestServer.StartAsync();
        var client = server.Client;
        var requests = Enumerable.Range(1, 100).Select(i => Users.NewRequest(name: $"Parallel {i}")).ToList();

        var responses = await Task.WhenAll(requests.Select(request => client.CreateUserAsync(request).ResponseAsync)).DefaultTimeout();

        Assert.Equal(100, responses.Select(response => response.User.Id).Distinct().Count());
        var list = await client.ListUsersAsync(new ListUsersRequest { Limit = 100 }).ResponseAsync.DefaultTimeout();
        Assert.Equal(100, list.Total);
        Assert.Equal(requests.Select(request => request.Email).Order(), list.Users.Select(user => user.Email).Order());
    }

    [Fact]
    public async Task Restart_OnTheSameFile_KeepsEveryUser()
    {
        using var directory = new TempDirectory();
        var path = directory.File("users.db");
        Contracts.User created;
        await using (var first = await TestServer.StartAsync(path))
        {
            created = (await first.Client.CreateUserAsync(Users.NewRequest(name: "Survivor", hobbies: ["rowing"])).ResponseAsync.DefaultTimeout()).User;
            using var batch = first.Client.CreateBatchUsers();
            await batch.RequestStream.WriteAsync(Users.NewRequest()).DefaultTimeout();
            await batch.RequestStream.WriteAsync(Users.NewRequest()).DefaultTimeout();
            await batch.RequestStream.CompleteAsync().DefaultTimeout();
            await batch.ResponseAsync.DefaultTimeout();
        }

        SqliteConnection.ClearAllPools();
        await using var second = await TestServer.StartAsync(path);

        Assert.Equal(created, await second.Client.GetUserAsync(new GetUserRequest { Id = created.Id }).ResponseAsync.DefaultTimeout());
        var list = await second.Client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal(3, list.Total);
        // Ids continue after the restart instead of being reused.
        var next = await second.Client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();
        Assert.True(next.User.Id > list.Users.Max(user => user.Id));
    }

    [Fact]
    public async Task UnexpectedFailure_IsInternal_WithAGenericMessage_AndTheServerRecovers()
    {
        await using var server = await TestServer.StartAsync();
        var client = server.Client;
        await client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();
        // Take the table away under the running server: reads now fail inside the engine with an
        // error that is no outage (a file that cannot be opened is UNAVAILABLE, see SqliteUnavailableTests).
        await RenameUsersTableAsync(server.DatabasePath, "users", "users_away");

        var exception = await RpcAssert.FailsWithAsync(StatusCode.Internal, () => client.GetUserAsync(new GetUserRequest { Id = 1 }).ResponseAsync);

        Assert.StartsWith("An internal error occurred (request id ", exception.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("SQLite", exception.Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(server.DatabasePath, exception.Status.Detail, StringComparison.Ordinal);

        await RenameUsersTableAsync(server.DatabasePath, "users_away", "users");
        var user = await client.GetUserAsync(new GetUserRequest { Id = 1 }).ResponseAsync.DefaultTimeout();
        Assert.Equal(1, user.Id);
    }

    private static async Task RenameUsersTableAsync(string path, string from, string to)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = 10000; ALTER TABLE {from} RENAME TO {to};";
        await command.ExecuteNonQueryAsync();
    }
}
