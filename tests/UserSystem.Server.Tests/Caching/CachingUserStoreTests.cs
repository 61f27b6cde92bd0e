using Microsoft.Extensions.DependencyInjection;
using UserSystem.Contracts;
using UserSystem.Server.Domain;
using UserSystem.Server.Storage;
using UserSystem.Server.Tests.Security;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Caching;

/// <summary>
/// Writes invalidate in the store's own write path, not in the service methods and not only
/// through the change feed: with the feed held back (a subscriber ahead of the cache's that does
/// not return), a write is still seen by the next read.
/// </summary>
public sealed class CachingUserStoreTests : IAsyncLifetime
{
    private readonly Tokens _tokens = new();
    private readonly FeedGate _gate = new();
    private TestServer _server = null!;
    private UserService.UserServiceClient _admin = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(
            builder => builder.Services.Insert(0, ServiceDescriptor.Singleton<IChangeFeedSubscriber>(_gate)), databasePath: null, _tokens.ServerSettings);
        _admin = Tokens.Client(_server, _tokens.Admin());
        await CacheProbe.WaitUntilTrustedAsync(_server);
    }

    public async Task DisposeAsync()
    {
        // The follower may be waiting at the gate; the server cannot stop before it returns.
        _gate.Open();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task UpdateUser_WithTheFeedHeldBack_LeavesNoCachedEntry_AndIsSeenByTheNextRead()
    {
        var user = await CachedUserAsync("Before");

        await _admin.UpdateUserAsync(new UpdateUserRequest
        {
            User = new Contracts.User { Id = user.Id, Name = "After" },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "name" } },
        }).ResponseAsync.DefaultTimeout();

        Assert.Null(await CacheProbe.ServedEntryAsync(_server, user.Id));
        Assert.Equal("After", (await GetAsync(user.Id)).Name);
    }

    [Fact]
    public async Task WriteThroughTheServersStore_OutsideTheService_WithTheFeedHeldBack_IsSeenByTheNextRead()
    {
        var user = await CachedUserAsync("Before");

        var store = _server.Services.GetRequiredService<IUserStore>();
        await store.UpdateAsync(user.Id, new UserChanges(Name: "After"), null, ChangeContext.None, CancellationToken.None).DefaultTimeout();

        Assert.Null(await CacheProbe.ServedEntryAsync(_server, user.Id));
        Assert.Equal("After", (await GetAsync(user.Id)).Name);
    }

    [Fact]
    public async Task DeleteUser_WithTheFeedHeldBack_IsNotFound()
    {
        var user = await CachedUserAsync("Deleted");

        await _admin.DeleteUserAsync(new DeleteUserRequest { Id = user.Id }).ResponseAsync.DefaultTimeout();

        await RpcAssert.FailsWithAsync(Grpc.Core.StatusCode.NotFound, () => _admin.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync);
    }

    // A user read once (so cached), then the feed held back.
    private async Task<Contracts.User> CachedUserAsync(string name)
    {
        var user = (await _admin.CreateUserAsync(Users.NewRequest(name)).ResponseAsync.DefaultTimeout()).User;
        await GetAsync(user.Id);
        Assert.NotNull(await CacheProbe.ServedEntryAsync(_server, user.Id));
        _gate.Close();
        return user;
    }

    private async Task<Contracts.User> GetAsync(int id) =>
        await _admin.GetUserAsync(new GetUserRequest { Id = id }).ResponseAsync.DefaultTimeout();

    /// <summary>Holds the change feed back while closed: the follower waits here before the cache's subscriber hears of a change.</summary>
    private sealed class FeedGate : IChangeFeedSubscriber
    {
        private volatile TaskCompletionSource _open = OpenGate();

        public void Close() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open.TrySetResult();

        public void Following(long position, bool afterGap)
        {
        }

        public void Stopped(Exception? failure)
        {
        }

        public ValueTask OnChangesAsync(IReadOnlyList<Domain.UserEvent> changes) => new(_open.Task);

        private static TaskCompletionSource OpenGate()
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            gate.SetResult();
            return gate;
        }
    }
}
