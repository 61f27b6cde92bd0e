using Grpc.Core;
using Microsoft.Data.Sqlite;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Storage;

/// <summary>A SQLite file that cannot be used answers UNAVAILABLE naming the database, over real sockets, and the server recovers by itself.</summary>
public sealed class SqliteUnavailableTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task DatabaseFileGone_CreateAnswersUnavailableNamingTheDatabase_AndWritesResumeWhenItIsBack()
    {
        var path = _directory.File("users.db");
        await using var server = await TestServer.StartAsync(path);
        var client = server.Client;
        var before = (await client.CreateUserAsync(Users.NewRequest("Before")).ResponseAsync.DefaultTimeout()).User;

        // As when the volume is unmounted: the writer refuses to go on writing to a file that is gone.
        var away = path + ".away";
        File.Move(path, away);
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.CreateUserAsync(Users.NewRequest("During")).ResponseAsync).DefaultTimeout();
        File.Move(away, path);
        var after = (await client.CreateUserAsync(Users.NewRequest("After")).ResponseAsync.DefaultTimeout()).User;

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Contains("SQLite database 'users.db'", refused.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(_directory.Path, refused.Status.Detail, StringComparison.Ordinal);
        var list = await client.ListUsersAsync(new ListUsersRequest { Limit = 10 }).ResponseAsync.DefaultTimeout();
        Assert.Equal(["Before", "After"], list.Users.Select(user => user.Name));
        Assert.True(after.Id > before.Id);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
