using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>
/// GetUser of a suspended user stays PERMISSION_DENIED (the seed's rule) unless an admin opts in
/// with include_suspended; the option gives nobody else anything.
/// </summary>
public sealed class SuspendedUserReadTests : IAsyncLifetime
{
    private readonly Tokens _tokens = new();
    private TestServer _server = null!;
    private UserService.UserServiceClient _admin = null!;
    private UserService.UserServiceClient _asAlice = null!;
    private Contracts.User _alice = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(databasePath: null, _tokens.ServerSettings);
        _admin = Tokens.Client(_server, _tokens.Admin());
        _alice = (await _admin.CreateUserAsync(Users.NewRequest("Alice")).ResponseAsync.DefaultTimeout()).User;
        _asAlice = Tokens.Client(_server, _tokens.Mint("alice", userId: _alice.Id));
        await _admin.SetUserStatusAsync(new SetUserStatusRequest { Id = _alice.Id, Status = UserStatus.Suspended }).ResponseAsync.DefaultTimeout();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Admin_WithIncludeSuspended_ReadsTheSuspendedUser()
    {
        var user = await _admin.GetUserAsync(new GetUserRequest { Id = _alice.Id, IncludeSuspended = true }).ResponseAsync.DefaultTimeout();

        Assert.Equal((_alice.Id, UserStatus.Suspended), (user.Id, user.Status));
    }

    [Fact]
    public async Task Admin_WithoutIncludeSuspended_IsPermissionDenied_AsTheSeedSays()
    {
        var exception = await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => _admin.GetUserAsync(new GetUserRequest { Id = _alice.Id }).ResponseAsync);

        Assert.Equal($"User {_alice.Id} is suspended", exception.Status.Detail);
    }

    [Fact]
    public async Task SuspendedUserThemselves_WithIncludeSuspended_IsStillPermissionDenied()
    {
        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => _asAlice.GetUserAsync(new GetUserRequest { Id = _alice.Id, IncludeSuspended = true }).ResponseAsync);
    }
}
