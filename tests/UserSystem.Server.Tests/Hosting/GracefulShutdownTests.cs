using Grpc.Core;
using Microsoft.Data.Sqlite;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Hosting;

/// <summary>A stop lets unary calls finish and ends open streams with UNAVAILABLE instead of waiting on them.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Stop_EndsOpenStreamWithUnavailable()
    {
        // A shutdown timeout far longer than the test's await timeout: only the interceptor can end the stream in time.
        await using var server = await TestServer.StartAsync(databasePath: null, "Server:ShutdownTimeoutSeconds=120");
        var client = server.Client;
        for (var i = 0; i < 3; i++)
        {
            await client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();
        }

        using var stream = client.StreamUsers(new StreamUsersRequest { DelaySeconds = 10 });
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());

        var stopping = server.StopAsync();
        var exception = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        await stopping.DefaultTimeout();

        Assert.Equal(StatusCode.Unavailable, exception.StatusCode);
    }

    [Fact]
    public async Task Stop_LetsAnInFlightUnaryCallFinish()
    {
        await using var server = await TestServer.StartAsync();
        var request = Users.NewRequest();

        // Hold SQLite's write lock so the create is provably in flight when the stop begins.
        await using var blocker = new SqliteConnection($"Data Source={server.DatabasePath};Pooling=False");
        await blocker.OpenAsync();
        await using var lockTransaction = await blocker.BeginTransactionAsync();
        var create = server.Client.CreateUserAsync(request).ResponseAsync;
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(create.IsCompleted);

        var stopping = server.StopAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        await lockTransaction.RollbackAsync();
        var response = await create.DefaultTimeout();
        await stopping.DefaultTimeout();

        Assert.Equal(request.Email, response.User.Email);
        await using var check = new SqliteConnection($"Data Source={server.DatabasePath};Pooling=False");
        await check.OpenAsync();
        await using var count = check.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM users WHERE id = $id";
        count.Parameters.AddWithValue("$id", response.User.Id);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Sigterm_EndsStreamsWithUnavailable_AndTheProcessExitsCleanly()
    {
        using var directory = new TempDirectory();
        await using var process = await ServerProcess.StartAsync(directory.File("users.db"), "Server:ShutdownTimeoutSeconds=120");
        var client = new UserService.UserServiceClient(process.Channel);
        await client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();
        await client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();
        using var stream = client.StreamUsers(new StreamUsersRequest { DelaySeconds = 10 });
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());

        process.Terminate();
        var exception = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        await process.WaitForExitAsync().DefaultTimeout();

        Assert.Equal(StatusCode.Unavailable, exception.StatusCode);
        Assert.Equal(0, process.ExitCode);
    }
}
