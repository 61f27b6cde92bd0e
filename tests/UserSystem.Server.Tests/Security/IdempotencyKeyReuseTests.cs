using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>A CreateUser request_id replays the first answer only for the same caller and the same request; any other reuse is a clear error.</summary>
public sealed class IdempotencyKeyReuseTests : IAsyncLifetime
{
    private readonly Tokens _tokens = new();
    private TestServer _server = null!;
    private UserService.UserServiceClient _ada = null!;
    private UserService.UserServiceClient _bob = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(databasePath: null, _tokens.ServerSettings);
        _ada = Tokens.Client(_server, _tokens.Admin("ada"));
        _bob = Tokens.Client(_server, _tokens.Admin("bob"));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SameCallerSameRequest_ReplaysTheFirstUser()
    {
        var request = Keyed(Users.NewRequest("Once"));

        var first = await _ada.CreateUserAsync(request).ResponseAsync.DefaultTimeout();
        var again = await _ada.CreateUserAsync(request).ResponseAsync.DefaultTimeout();

        Assert.Equal(first.User.Id, again.User.Id);
    }

    [Fact]
    public async Task SameCallerDifferentRequest_IsInvalidArgumentNamingRequestId_AndCreatesNothing()
    {
        var request = Keyed(Users.NewRequest("Once"));
        await _ada.CreateUserAsync(request).ResponseAsync.DefaultTimeout();
        var other = Users.NewRequest("Someone else");
        other.RequestId = request.RequestId;

        var failure = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => _ada.CreateUserAsync(other).ResponseAsync);

        Assert.Equal(["request_id"], RpcAssert.ViolatedFields(failure));
        Assert.Equal(1, (await _ada.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout()).Total);
    }

    [Fact]
    public async Task DifferentCallerSameRequest_IsInvalidArgument_NotTheFirstCallersUser()
    {
        var request = Keyed(Users.NewRequest("Once"));
        await _ada.CreateUserAsync(request).ResponseAsync.DefaultTimeout();

        var failure = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => _bob.CreateUserAsync(request).ResponseAsync);

        Assert.Equal(["request_id"], RpcAssert.ViolatedFields(failure));
    }

    private static CreateUserRequest Keyed(CreateUserRequest request)
    {
        request.RequestId = Guid.NewGuid().ToString("N");
        return request;
    }
}
