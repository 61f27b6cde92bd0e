using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>A suspended user cannot change themselves; a self-service email change reveals nothing about other accounts.</summary>
public sealed class SelfServiceTests : IAsyncLifetime
{
    private readonly Tokens _tokens = new();
    private TestServer _server = null!;
    private UserService.UserServiceClient _admin = null!;
    private Contracts.User _alice = null!;
    private Contracts.User _bob = null!;
    private UserService.UserServiceClient _asAlice = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(databasePath: null, _tokens.ServerSettings);
        _admin = Tokens.Client(_server, _tokens.Admin());
        _alice = (await _admin.CreateUserAsync(Users.NewRequest("Alice")).ResponseAsync.DefaultTimeout()).User;
        _bob = (await _admin.CreateUserAsync(Users.NewRequest("Bob")).ResponseAsync.DefaultTimeout()).User;
        _asAlice = Tokens.Client(_server, _tokens.Mint("alice", userId: _alice.Id));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SuspendedUser_UpdatingThemselves_IsPermissionDenied_AndNothingChanges()
    {
        await _admin.SetUserStatusAsync(new SetUserStatusRequest { Id = _alice.Id, Status = UserStatus.Suspended }).ResponseAsync.DefaultTimeout();

        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => _asAlice.UpdateUserAsync(Update(_alice.Id, "name", name: "Alice Again")).ResponseAsync);

        // GetUser answers PERMISSION_DENIED for a suspended user even to an admin; the list shows it.
        var list = await _admin.ListUsersAsync(new ListUsersRequest { Limit = 10 }).ResponseAsync.DefaultTimeout();
        Assert.Equal("Alice", list.Users.Single(user => user.Id == _alice.Id).Name);
    }

    [Fact]
    public async Task ActiveUser_UpdatingTheirName_Succeeds_EvenWithTheirOwnEmailInAStarMask()
    {
        var updated = await _asAlice.UpdateUserAsync(new UpdateUserRequest
        {
            User = new Contracts.User { Id = _alice.Id, Name = "Alice B", Email = _alice.Email.ToUpperInvariant(), Age = 31 },
            UpdateMask = new FieldMask { Paths = { "*" } },
        }).ResponseAsync.DefaultTimeout();

        Assert.Equal("Alice B", updated.Name);
    }

    [Fact]
    public async Task SelfServiceEmailChange_ToATakenAndToAFreeAddress_GetTheSameAnswer()
    {
        var taken = await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => _asAlice.UpdateUserAsync(Update(_alice.Id, "email", email: _bob.Email)).ResponseAsync);
        var free = await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => _asAlice.UpdateUserAsync(Update(_alice.Id, "email", email: Users.UniqueEmail())).ResponseAsync);

        Assert.Equal(taken.Status.Detail, free.Status.Detail);
        Assert.Equal(
            "Only an admin can change a user's email address; change it with your identity provider or ask an admin.",
            free.Status.Detail);
    }

    [Fact]
    public async Task AdminEmailChange_StillWorks_AndStillSaysWhenTheAddressIsTaken()
    {
        var fresh = Users.UniqueEmail();
        var updated = await _admin.UpdateUserAsync(Update(_alice.Id, "email", email: fresh)).ResponseAsync.DefaultTimeout();
        Assert.Equal(fresh, updated.Email);

        await RpcAssert.FailsWithAsync(StatusCode.AlreadyExists, () => _admin.UpdateUserAsync(Update(_alice.Id, "email", email: _bob.Email)).ResponseAsync);
    }

    private static UpdateUserRequest Update(int id, string path, string? name = null, string? email = null) => new()
    {
        User = new Contracts.User { Id = id, Name = name ?? "", Email = email ?? "" },
        UpdateMask = new FieldMask { Paths = { path } },
    };
}
