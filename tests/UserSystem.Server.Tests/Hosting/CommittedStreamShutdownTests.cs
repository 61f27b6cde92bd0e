using Grpc.Core;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Hosting;

/// <summary>A stream or batch that committed is never answered with "retry the call" when the server stops.</summary>
public sealed class CommittedStreamShutdownTests
{
    [Fact]
    public async Task Stop_DuringABatch_LetsItCommitAndAnswersItsResult()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, "Server:ShutdownTimeoutSeconds=120");
        using var batch = server.Client.CreateBatchUsers();
        await batch.RequestStream.WriteAsync(Users.NewRequest("Batch 1")).DefaultTimeout();

        var stopping = server.StopAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        await batch.RequestStream.WriteAsync(Users.NewRequest("Batch 2")).DefaultTimeout();
        await batch.RequestStream.CompleteAsync().DefaultTimeout();
        var response = await batch.ResponseAsync.DefaultTimeout();
        await stopping.DefaultTimeout();

        Assert.Equal(2, response.CreatedCount);
    }

    [Fact]
    public async Task Stop_DuringAChatThatAnswered_SaysTheAnsweredUsersWereCreated_NotRetry()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, "Server:ShutdownTimeoutSeconds=120");
        using var chat = server.Client.ChatWithUsers();
        await chat.RequestStream.WriteAsync(Users.NewRequest("Chat 1")).DefaultTimeout();
        Assert.True(await chat.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());

        var stopping = server.StopAsync();
        var exception = await Assert.ThrowsAsync<RpcException>(() => chat.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        await stopping.DefaultTimeout();

        Assert.Equal(StatusCode.Unavailable, exception.StatusCode);
        Assert.DoesNotContain("retry the call", exception.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("answered so far was created", exception.Status.Detail, StringComparison.Ordinal);
    }
}
