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
        var point = StreamCommitPoint.Attach(TestServerCallContext.Admin(), call);

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
        var point = StreamCommitPoint.Attach(context, call);

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
    public void Enter_AfterTheCallEnded_Throws_AndCountsNothing()
    {
        using var call = new CancellationTokenSource();
        var context = TestServerCallContext.Admin();
        var point = StreamCommitPoint.Attach(context, call);
        point.End(StreamEnd.Shutdown);

        Assert.Throws<OperationCanceledException>(() => StreamCommitPoint.Enter(context));
        Assert.Equal(0, point.Completed);
    }

    [Fact]
    public async Task CommitAtEnd_AfterTheInputEnded_IsNeverCancelledByTheServer()
    {
        using var call = new CancellationTokenSource();
        var context = TestServerCallContext.Admin();
        var point = StreamCommitPoint.Attach(context, call);

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
        var point = StreamCommitPoint.Attach(context, call);
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
