using UserSystem.Server.Rpc;
using UserSystem.UnitTests.Fakes;

namespace UserSystem.UnitTests.Rpc;

/// <summary>The server ends a stream (stop, duration cap) only outside its commit point.</summary>
public sealed class StreamCommitPointTests
{
    [Theory]
    [InlineData(StreamEnd.Shutdown)]
    [InlineData(StreamEnd.MaxDuration)]
    public void End_OutsideACommit_CancelsTheCallAtOnce(StreamEnd reason)
    {
        using var call = new CancellationTokenSource();
        using var point = StreamCommitPoint.Attach(TestServerCallContext.Admin(), call, TimeSpan.FromSeconds(10));

        point.End(reason);

        Assert.True(call.IsCancellationRequested);
        Assert.Equal(reason, point.EndedBy);
    }

    [Theory]
    [InlineData(StreamEnd.Shutdown)]
    [InlineData(StreamEnd.MaxDuration)]
    public void End_DuringACommit_WaitsForIt_ThenCancels_CountingTheCompletedCommit(StreamEnd reason)
    {
        using var call = new CancellationTokenSource();
        var context = TestServerCallContext.Admin();
        using var point = StreamCommitPoint.Attach(context, call, TimeSpan.FromSeconds(10));

        using (var commit = StreamCommitPoint.Enter(context))
        {
            point.End(reason);
            Assert.False(call.IsCancellationRequested);
            Assert.Null(point.EndedBy);
            commit.Complete();
        }

        Assert.True(call.IsCancellationRequested);
        Assert.Equal(reason, point.EndedBy);
        Assert.Equal(1, point.Completed);
    }

    [Fact]
    public async Task End_DuringACommit_GivesTheAnswerItsTimeout_ThenCancelsIt()
    {
        using var call = new CancellationTokenSource();
        var context = TestServerCallContext.Admin();
        using var point = StreamCommitPoint.Attach(context, call, TimeSpan.FromMilliseconds(50));
        using var commit = StreamCommitPoint.Enter(context);
        Assert.False(commit.AnswerToken.IsCancellationRequested);

        point.End(StreamEnd.MaxDuration);

        // An answer the client never takes: the write's token ends it, and then the call ends.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Delay(Timeout.Infinite, commit.AnswerToken)).DefaultTimeout();
        commit.Dispose();
        Assert.True(call.IsCancellationRequested);
        Assert.Equal(StreamEnd.MaxDuration, point.EndedBy);
        Assert.Equal(0, point.Completed);
    }

    [Fact]
    public void Enter_AfterTheCallEnded_Throws_AndCountsNothing()
    {
        using var call = new CancellationTokenSource();
        var context = TestServerCallContext.Admin();
        using var point = StreamCommitPoint.Attach(context, call, TimeSpan.FromSeconds(10));
        point.End(StreamEnd.Shutdown);

        Assert.Throws<OperationCanceledException>(() => StreamCommitPoint.Enter(context));
        Assert.Equal(0, point.Completed);
    }

    [Fact]
    public async Task CommitAtEnd_AfterTheInputEnded_IsNeverCancelledByTheServer()
    {
        using var call = new CancellationTokenSource();
        var context = TestServerCallContext.Admin();
        using var point = StreamCommitPoint.Attach(context, call, TimeSpan.FromSeconds(10));

        var items = await StreamCommitPoint.CommitAtEnd(Items(1, 2, 3), context).ToListAsync().AsTask().DefaultTimeout();
        point.End(StreamEnd.Shutdown);
        point.End(StreamEnd.MaxDuration);

        Assert.Equal([1, 2, 3], items);
        Assert.False(call.IsCancellationRequested);
        Assert.Null(point.EndedBy);
    }

    [Fact]
    public async Task CommitAtEnd_WhenTheServerEndedTheCallFirst_ThrowsAtTheEndOfTheInput()
    {
        using var call = new CancellationTokenSource();
        var context = TestServerCallContext.Admin();
        using var point = StreamCommitPoint.Attach(context, call, TimeSpan.FromSeconds(10));
        point.End(StreamEnd.Shutdown);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StreamCommitPoint.CommitAtEnd(Items(1), context).ToListAsync().AsTask()).DefaultTimeout();
    }

    [Fact]
    public void Enter_OnACallWithoutACommitPoint_DoesNothing()
    {
        using var commit = StreamCommitPoint.Enter(TestServerCallContext.Admin());
        commit.Complete();
    }

    private static async IAsyncEnumerable<int> Items(params int[] items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }
}
