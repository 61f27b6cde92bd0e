using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>An admin may do everything; anyone else may read only their own user.</summary>
public sealed class AuthorizationTests : IAsyncLifetime
{
    private readonly Tokens _tokens = new();
    private TestServer _server = null!;
    private UserService.UserServiceClient _admin = null!;
    private Contracts.User _alice = null!;
    private Contracts.User _bob = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(databasePath: null, _tokens.ServerSettings);
        _admin = Tokens.Client(_server, _tokens.Admin());
        _alice = (await _admin.CreateUserAsync(Users.NewRequest("Alice")).ResponseAsync.DefaultTimeout()).User;
        _bob = (await _admin.CreateUserAsync(Users.NewRequest("Bob")).ResponseAsync.DefaultTimeout()).User;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task UserBoundByUid_ReadsOwnUser()
    {
        var alice = Tokens.Client(_server, _tokens.Mint("alice", userId: _alice.Id));

        var user = await alice.GetUserAsync(new GetUserRequest { Id = _alice.Id }).ResponseAsync.DefaultTimeout();

        Assert.Equal(_alice.Email, user.Email);
    }

    [Fact]
    public async Task UserBoundByEmail_ReadsOwnUser_RegardlessOfCase()
    {
        var alice = Tokens.Client(_server, _tokens.Mint("alice-idp-subject", email: _alice.Email.ToUpperInvariant()));

        var user = await alice.GetUserAsync(new GetUserRequest { Id = _alice.Id }).ResponseAsync.DefaultTimeout();

        Assert.Equal(_alice.Id, user.Id);
    }

    [Fact]
    public async Task UserA_ReadingUserB_IsPermissionDenied_WithTheOwnerMessage()
    {
        var alice = Tokens.Client(_server, _tokens.Mint("alice", userId: _alice.Id));

        var refusal = await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => alice.GetUserAsync(new GetUserRequest { Id = _bob.Id }).ResponseAsync);

        Assert.Equal("You may only access your own user; this needs the admin role.", refusal.Status.Detail);
    }

    [Fact]
    public async Task UserBoundByEmail_ReadingUserB_IsPermissionDenied()
    {
        var alice = Tokens.Client(_server, _tokens.Mint("alice", email: _alice.Email));

        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => alice.GetUserAsync(new GetUserRequest { Id = _bob.Id }).ResponseAsync);
    }

    [Fact]
    public async Task NonAdmin_ReadingAMissingUser_IsPermissionDenied_SoIdsCannotBeProbed()
    {
        var alice = Tokens.Client(_server, _tokens.Mint("alice", userId: _alice.Id));

        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => alice.GetUserAsync(new GetUserRequest { Id = 999_999 }).ResponseAsync);
    }

    [Fact]
    public async Task CallerBoundToNoUser_GetUser_IsPermissionDenied()
    {
        var nobody = Tokens.Client(_server, _tokens.Mint("someone"));

        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => nobody.GetUserAsync(new GetUserRequest { Id = _alice.Id }).ResponseAsync);
    }

    [Fact]
    public async Task Admin_ReadsAnyUser_AndGetsNotFoundForAMissingOne()
    {
        var bob = await _admin.GetUserAsync(new GetUserRequest { Id = _bob.Id }).ResponseAsync.DefaultTimeout();

        Assert.Equal(_bob.Email, bob.Email);
        await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => _admin.GetUserAsync(new GetUserRequest { Id = 999_999 }).ResponseAsync);
    }

    [Theory]
    [InlineData("CreateUser")]
    [InlineData("ListUsers")]
    [InlineData("StreamUsers")]
    [InlineData("CreateBatchUsers")]
    [InlineData("ChatWithUsers")]
    public async Task NonAdmin_OperationOnEveryone_IsPermissionDenied(string methodName)
    {
        var alice = Tokens.Channel(_server, _tokens.Mint("alice", userId: _alice.Id)).CreateCallInvoker();

        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => AuthenticationTests.CallWithEmptyMessageAsync(alice, methodName));
    }

    [Fact]
    public async Task Admin_ListsStreamsAndBatchCreates()
    {
        var list = await _admin.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        using var stream = _admin.StreamUsers(new StreamUsersRequest());
        var streamed = 0;
        while (await stream.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout())
        {
            streamed++;
        }

        using var batch = _admin.CreateBatchUsers();
        await batch.RequestStream.WriteAsync(Users.NewRequest()).DefaultTimeout();
        await batch.RequestStream.CompleteAsync().DefaultTimeout();
        var created = await batch.ResponseAsync.DefaultTimeout();

        Assert.Equal(2, list.Total);
        Assert.Equal(2, streamed);
        Assert.Equal(1, created.CreatedCount);
    }
}
