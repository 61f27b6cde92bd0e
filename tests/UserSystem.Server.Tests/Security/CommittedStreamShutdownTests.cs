using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>
/// A stream or batch that committed is never answered with "retry the call" when the server stops
/// (issue 12, item 8); one that stored nothing is. The stop begins at an exact point of the call
/// (<see cref="StoreGate"/>), over real sockets, and a restart on the same database shows what was kept.
/// </summary>
public sealed class CommittedStreamShutdownTests
{
    // Longer than the test's await timeout: only the server letting the call finish can pass in time.
    private const string LongShutdown = "Server:ShutdownTimeoutSeconds=120";

    [Theory]
    [InlineData(StoreHold.AtCommit)]
    [InlineData(StoreHold.AfterCommit)]
    public async Task Stop_AtOrAfterABatchsCommit_AnswersItsUsers_WhichARestartStillHas(StoreHold hold)
    {
        using var directory = new TempDirectory();
        var gate = new StoreGate(hold);
        var requests = Enumerable.Range(1, 3).Select(i => Users.NewRequest(name: $"Committed {i}")).ToList();
        CreateUserResponse response;
        await using (var server = await TestServer.StartAsync(gate.Install, directory.File("users.db"), LongShutdown))
        {
            using var batch = server.Client.CreateBatchUsers();
            foreach (var request in requests)
            {
                await batch.RequestStream.WriteAsync(request).DefaultTimeout();
            }

            await batch.RequestStream.CompleteAsync().DefaultTimeout();
            await gate.Reached.DefaultTimeout();

            var stopping = server.StopAsync();
            response = await batch.ResponseAsync.DefaultTimeout();
            await stopping.DefaultTimeout();
        }

        Assert.Equal(3, response.CreatedCount);
        Assert.Equal("3 users created", response.Message);
        await using var restarted = await TestServer.StartAsync(directory.File("users.db"));
        var ids = response.CreatedIds.SelectMany(range => Enumerable.Range(range.First, range.Last - range.First + 1)).ToList();
        Assert.Equal(3, ids.Count);
        foreach (var (id, request) in ids.Zip(requests))
        {
            var user = await restarted.Client.GetUserAsync(new GetUserRequest { Id = id }).ResponseAsync.DefaultTimeout();
            Assert.Equal(request.Email, user.Email);
        }
    }

    [Fact]
    public async Task Stop_BeforeABatchsInputIsComplete_IsUnavailableRetry_AndStoresNothing()
    {
        using var directory = new TempDirectory();
        var gate = new StoreGate(StoreHold.AfterFirstItem);
        RpcException exception;
        await using (var server = await TestServer.StartAsync(gate.Install, directory.File("users.db"), LongShutdown))
        {
            using var batch = server.Client.CreateBatchUsers();
            await batch.RequestStream.WriteAsync(Users.NewRequest(name: "Uncommitted 1")).DefaultTimeout();
            await gate.Reached.DefaultTimeout();

            var stopping = server.StopAsync();
            exception = await Assert.ThrowsAsync<RpcException>(() => batch.ResponseAsync.DefaultTimeout());
            await stopping.DefaultTimeout();
        }

        Assert.Equal(StatusCode.Unavailable, exception.StatusCode);
        Assert.Contains("retry the call", exception.Status.Detail, StringComparison.Ordinal);
        await using var restarted = await TestServer.StartAsync(directory.File("users.db"));
        var list = await restarted.Client.ListUsersAsync(new ListUsersRequest { Limit = 10 }).ResponseAsync.DefaultTimeout();
        Assert.Equal(0, list.Total);
    }

    // Was quarantined (failed in about one CI run in three): the client's request side is still
    // open, Kestrel's RST_STREAM NO_ERROR ("stop sending") can lose the race with its close of the
    // connection, and the client then aborted the stream and dropped the answer it had buffered.
    // The gRPC endpoint's lingering close (Hosting/LingeringCloseMiddleware) keeps the connection
    // until the client closes it. Under two CPU burners: 2 of 12 runs failed before, 20 of 20 passed after.
    [Fact]
    public async Task Stop_WhileAChatItemIsBeingStored_AnswersIt_ThenSaysItWasCreated_NotRetry()
    {
        using var directory = new TempDirectory();
        var gate = new StoreGate(StoreHold.AfterCreate);
        var request = Users.NewRequest(name: "Chat 1");
        Contracts.User answered;
        RpcException exception;
        await using (var server = await TestServer.StartAsync(gate.Install, directory.File("users.db"), LongShutdown))
        {
            using var chat = server.Client.ChatWithUsers();
            await chat.RequestStream.WriteAsync(request).DefaultTimeout();
            await gate.Reached.DefaultTimeout();

            var stopping = server.StopAsync();
            Assert.True(await chat.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
            answered = chat.ResponseStream.Current;
            exception = await Assert.ThrowsAsync<RpcException>(() => chat.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
            await stopping.DefaultTimeout();
        }

        Assert.Equal(request.Email, answered.Email);
        Assert.Equal(StatusCode.Unavailable, exception.StatusCode);
        Assert.DoesNotContain("retry the call", exception.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("every user answered on this call (1) was created", exception.Status.Detail, StringComparison.Ordinal);
        await using var restarted = await TestServer.StartAsync(directory.File("users.db"));
        var user = await restarted.Client.GetUserAsync(new GetUserRequest { Id = answered.Id }).ResponseAsync.DefaultTimeout();
        Assert.Equal(request.Email, user.Email);
    }
}
