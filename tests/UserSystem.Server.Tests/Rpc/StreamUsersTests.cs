using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Rpc;

public sealed class StreamUsersTests : ServerTestBase
{
    private List<int> _ids = [];

    // A read page of 3 makes ten users span four store reads.
    protected override string[] ServerSettings => ["Limits:StreamReadPageSize=3"];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _ids = [];
        for (var i = 1; i <= 10; i++)
        {
            _ids.Add((await Client.CreateUserAsync(Users.NewRequest(name: $"User {i}")).ResponseAsync.DefaultTimeout()).User.Id);
        }
    }

    [Fact]
    public async Task MoreUsersThanOneReadPage_AreAllSentInIdOrder()
    {
        using var call = Client.StreamUsers(new StreamUsersRequest());

        var streamed = await call.ResponseStream.ReadAllAsync().Select(user => user.Id).ToListAsync().AsTask().DefaultTimeout();

        Assert.Equal(_ids, streamed);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public async Task DelayOutsideZeroToTen_IsInvalidArgument_OnDelaySeconds(int delay)
    {
        using var call = Client.StreamUsers(new StreamUsersRequest { DelaySeconds = delay });

        var exception = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(["delay_seconds"], RpcAssert.ViolatedFields(exception));
    }

    [Fact]
    public async Task Delay_PacesTheMessages_AndTheDeadlineEndsTheStream()
    {
        // One second between messages and a 2.5 s deadline: the deadline falls mid-stream.
        using var call = Client.StreamUsers(new StreamUsersRequest { DelaySeconds = 1 }, deadline: DateTime.UtcNow.AddSeconds(2.5));
        var received = new List<int>();

        var exception = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout())
            {
                received.Add(call.ResponseStream.Current.Id);
            }
        });

        Assert.Equal(StatusCode.DeadlineExceeded, exception.StatusCode);
        Assert.NotEmpty(received);
        Assert.True(received.Count < _ids.Count, $"received all {received.Count} users despite the delay");
        Assert.Equal(_ids.Take(received.Count), received);
    }

    [Fact]
    public async Task ClientCancellation_EndsTheStream_AndTheServerKeepsServing()
    {
        using var cancellation = new CancellationTokenSource();
        using var call = Client.StreamUsers(new StreamUsersRequest { DelaySeconds = 10 }, cancellationToken: cancellation.Token);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());

        await cancellation.CancelAsync();
        var exception = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());

        Assert.Equal(StatusCode.Cancelled, exception.StatusCode);
        Assert.Equal(10, await CountUsersAsync());
    }
}
