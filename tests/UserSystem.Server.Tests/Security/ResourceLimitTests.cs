using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>Each limit on what one call may ask for answers a clear status, and the server keeps serving.</summary>
public sealed class ResourceLimitTests
{
    [Fact]
    public async Task BatchOverMaxBatchSize_IsInvalidArgumentNamingTheLimit_AndStoresNothing()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, "Limits:MaxBatchSize=3");
        var client = server.Client;

        using var batch = client.CreateBatchUsers();
        for (var i = 0; i < 4; i++)
        {
            await batch.RequestStream.WriteAsync(Users.NewRequest()).DefaultTimeout();
        }

        await batch.RequestStream.CompleteAsync().DefaultTimeout();
        var exception = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => batch.ResponseAsync);
        var list = await client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();

        Assert.Contains("Limits:MaxBatchSize", exception.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("maximum of 3", exception.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(["batch"], RpcAssert.ViolatedFields(exception));
        Assert.Equal(0, list.Total);
    }

    [Fact]
    public async Task BatchOfExactlyMaxBatchSize_IsStored()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, "Limits:MaxBatchSize=3");

        using var batch = server.Client.CreateBatchUsers();
        for (var i = 0; i < 3; i++)
        {
            await batch.RequestStream.WriteAsync(Users.NewRequest()).DefaultTimeout();
        }

        await batch.RequestStream.CompleteAsync().DefaultTimeout();
        var response = await batch.ResponseAsync.DefaultTimeout();

        Assert.Equal(3, response.CreatedCount);
    }

    [Fact]
    public async Task StreamWithoutDeadline_EndsAfterMaxStreamDuration_WithDeadlineExceeded()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, "Limits:MaxStreamDurationSeconds=1");
        var client = server.Client;
        await client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();
        await client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();

        // 10 s between the two users: only the server's 1 s cap can end this stream before the second.
        using var stream = client.StreamUsers(new StreamUsersRequest { DelaySeconds = 10 });
        var received = 0;
        var exception = await RpcAssert.FailsWithAsync(StatusCode.DeadlineExceeded, async () =>
        {
            while (await stream.ResponseStream.MoveNext(CancellationToken.None))
            {
                received++;
            }
        });

        Assert.True(received < 2, $"the stream ran to its end ({received} users) instead of being cut");
        Assert.Contains("Limits:MaxStreamDurationSeconds", exception.Status.Detail, StringComparison.Ordinal);
        var list = await client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal(2, list.Total);
    }

    [Fact]
    public async Task StreamWhoseClientAsksForALongerDeadline_IsStillCutAtTheServerCap()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, "Limits:MaxStreamDurationSeconds=1");
        var client = server.Client;
        await client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();
        await client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();

        // The client asks for an hour; the server's 1 s cap still ends the stream before the second user (10 s later).
        using var stream = client.StreamUsers(new StreamUsersRequest { DelaySeconds = 10 }, deadline: DateTime.UtcNow.AddHours(1));
        var received = 0;
        var exception = await RpcAssert.FailsWithAsync(StatusCode.DeadlineExceeded, async () =>
        {
            while (await stream.ResponseStream.MoveNext(CancellationToken.None))
            {
                received++;
            }
        });

        Assert.True(received < 2, $"the stream ran to its end ({received} users) instead of being cut");
        Assert.Contains("Limits:MaxStreamDurationSeconds", exception.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamWithAClientDeadlineWithinTheCap_RunsToItsEnd()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, "Limits:MaxStreamDurationSeconds=30");
        var client = server.Client;
        await client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();
        await client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();

        using var stream = client.StreamUsers(new StreamUsersRequest { DelaySeconds = 1 }, deadline: DateTime.UtcNow.AddSeconds(25));
        var streamed = 0;
        while (await stream.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout())
        {
            streamed++;
        }

        Assert.Equal(2, streamed);
    }

    [Fact]
    public async Task ChatWithUsers_PastMaxBatchSize_IsInvalidArgument_KeepingTheUsersAlreadyCreated()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, "Limits:MaxBatchSize=2");
        var client = server.Client;

        using var chat = client.ChatWithUsers();
        var created = 0;
        for (var i = 0; i < 2; i++)
        {
            await chat.RequestStream.WriteAsync(Users.NewRequest($"Chat {i}")).DefaultTimeout();
            Assert.True(await chat.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
            created++;
        }

        var exception = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, async () =>
        {
            await chat.RequestStream.WriteAsync(Users.NewRequest("Chat 3"));
            await chat.ResponseStream.MoveNext(CancellationToken.None);
        });

        Assert.Equal(2, created);
        Assert.Equal(["batch"], RpcAssert.ViolatedFields(exception));
        Assert.Contains("Limits:MaxBatchSize", exception.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(2, (await client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout()).Total);
    }

    [Fact]
    public async Task DelaySecondsOverTheMaximum_IsInvalidArgumentNamingTheField()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, "Limits:MaxStreamDelaySeconds=3");

        using var stream = server.Client.StreamUsers(new StreamUsersRequest { DelaySeconds = 4 });
        var exception = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => stream.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(["delay_seconds"], RpcAssert.ViolatedFields(exception));
    }

    [Fact]
    public async Task ListLimitOverMaxPageSize_IsCappedToIt()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, "Limits:MaxPageSize=2", "Limits:DefaultPageSize=1");
        var client = server.Client;
        for (var i = 0; i < 3; i++)
        {
            await client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();
        }

        var page = await client.ListUsersAsync(new ListUsersRequest { Limit = 1000 }).ResponseAsync.DefaultTimeout();

        Assert.Equal(2, page.Users.Count);
        Assert.Equal(3, page.Total);
    }
}
