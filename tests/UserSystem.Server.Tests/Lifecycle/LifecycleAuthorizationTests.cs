using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Server.Tests.Security;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Lifecycle;

/// <summary>The lifecycle RPCs under JWT authentication: who may do what, and whose name the events record.</summary>
public sealed class LifecycleAuthorizationTests : IAsyncLifetime
{
    private readonly Tokens _tokens = new();
    private TestServer _server = null!;
    private UserService.UserServiceClient _admin = null!;
    private Contracts.User _alice = null!;
    private Contracts.User _bob = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(databasePath: null, _tokens.ServerSettings);
        _admin = Tokens.Client(_server, _tokens.Admin("ops"));
        _alice = (await _admin.CreateUserAsync(Users.NewRequest("Alice")).ResponseAsync.DefaultTimeout()).User;
        _bob = (await _admin.CreateUserAsync(Users.NewRequest("Bob")).ResponseAsync.DefaultTimeout()).User;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task UserUpdatingOwnUser_Succeeds_AndTheEventNamesTheTokenSubject()
    {
        var alice = Tokens.Client(_server, _tokens.Mint("alice-subject", userId: _alice.Id));

        await alice.UpdateUserAsync(NameUpdate(_alice.Id, "Alice B.")).ResponseAsync.DefaultTimeout();

        using var watch = _admin.WatchUsers(new WatchUsersRequest());
        var events = new List<UserEvent>();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
            events.Add(watch.ResponseStream.Current);
        }

        Assert.Equal(["ops", "ops", "alice-subject"], events.Select(e => e.Actor));
        Assert.Equal((UserEventKind.Updated, "Alice B."), (events[2].Kind, events[2].User.Name));
    }

    [Fact]
    public async Task UserUpdatingAnotherUser_IsPermissionDenied_AndChangesNothing()
    {
        var alice = Tokens.Client(_server, _tokens.Mint("alice", userId: _alice.Id));

        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => alice.UpdateUserAsync(NameUpdate(_bob.Id, "Hacked")).ResponseAsync);
        // An unknown id answers the same, so a non-admin cannot probe which ids exist.
        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => alice.UpdateUserAsync(NameUpdate(424242, "Ghost")).ResponseAsync);

        Assert.Equal("Bob", (await _admin.GetUserAsync(new GetUserRequest { Id = _bob.Id }).ResponseAsync.DefaultTimeout()).Name);
    }

    [Fact]
    public async Task NonAdmin_MayNotChangeStatus_Delete_OrWatch_EvenOnTheirOwnUser()
    {
        var alice = Tokens.Client(_server, _tokens.Mint("alice", userId: _alice.Id));

        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => alice.SetUserStatusAsync(new SetUserStatusRequest { Id = _alice.Id, Status = UserStatus.Active }).ResponseAsync);
        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => alice.DeleteUserAsync(new DeleteUserRequest { Id = _alice.Id }).ResponseAsync);
        using var watch = alice.WatchUsers(new WatchUsersRequest());
        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => watch.ResponseStream.MoveNext(CancellationToken.None));
    }

    [Fact]
    public async Task Anonymous_LifecycleCalls_AreUnauthenticated()
    {
        var anonymous = Tokens.Client(_server, token: null);

        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => anonymous.UpdateUserAsync(NameUpdate(_alice.Id, "X")).ResponseAsync);
        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => anonymous.DeleteUserAsync(new DeleteUserRequest { Id = _alice.Id }).ResponseAsync);
    }

    private static UpdateUserRequest NameUpdate(int id, string name) => new()
    {
        User = new Contracts.User { Id = id, Name = name },
        UpdateMask = new FieldMask { Paths = { "name" } },
    };
}
