using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>
/// A token binds its bearer to a user by <c>uid</c>, or by an email only when <c>email_verified</c>
/// is true; emails compare in one canonical form (NFKC, case-insensitive); a malformed uid refuses
/// the call; the tutorial's <c>user-id</c> header identifies nobody.
/// </summary>
public sealed class IdentityBindingTests : IAsyncLifetime
{
    private readonly Tokens _tokens = new();
    private TestServer _server = null!;
    private UserService.UserServiceClient _admin = null!;
    private Contracts.User _alice = null!;
    private Contracts.User _bob = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(databasePath: null, [.. _tokens.ServerSettings, "Auth:Jwt:UserIdClaim=uid"]);
        _admin = Tokens.Client(_server, _tokens.Admin());
        _alice = (await _admin.CreateUserAsync(Users.NewRequest("Alice", "alice@example.com")).ResponseAsync.DefaultTimeout()).User;
        _bob = (await _admin.CreateUserAsync(Users.NewRequest("Bob", "bob@example.com")).ResponseAsync.DefaultTimeout()).User;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task UnverifiedEmail_ReadingTheUserWithThatEmail_IsPermissionDenied()
    {
        var mallory = Tokens.Client(_server, _tokens.Mint("mallory", userId: null, email: _alice.Email, emailVerified: false));

        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => mallory.GetUserAsync(new GetUserRequest { Id = _alice.Id }).ResponseAsync);
    }

    [Fact]
    public async Task EmailVerifiedAsAString_False_DoesNotBind()
    {
        var token = RawTokens.Mint(_tokens.SigningKey, new Dictionary<string, object> { ["sub"] = "mallory", ["email"] = _alice.Email, ["email_verified"] = "false" });

        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => Tokens.Client(_server, token).GetUserAsync(new GetUserRequest { Id = _alice.Id }).ResponseAsync);
    }

    [Fact]
    public async Task VerifiedEmail_ReadsOwnUser()
    {
        var alice = Tokens.Client(_server, _tokens.Mint("alice-idp", userId: null, email: "ALICE@example.com", emailVerified: true));

        var user = await alice.GetUserAsync(new GetUserRequest { Id = _alice.Id }).ResponseAsync.DefaultTimeout();

        Assert.Equal(_alice.Id, user.Id);
    }

    [Theory]
    [InlineData("\uFF41lice@example.com")] // FULLWIDTH LATIN SMALL LETTER A
    [InlineData("\u0430lice@example.com")] // CYRILLIC SMALL LETTER A
    [InlineData("alice@exam\u0440le.com")] // CYRILLIC SMALL LETTER ER for "p"
    public async Task VerifiedLookalikeEmail_DoesNotBindToTheUserItImitates(string lookalike)
    {
        var mallory = Tokens.Client(_server, _tokens.Mint("mallory", userId: null, email: lookalike, emailVerified: true));

        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => mallory.GetUserAsync(new GetUserRequest { Id = _alice.Id }).ResponseAsync);
    }

    [Theory]
    [InlineData("cafe\u0301@example.com")] // decomposed é
    [InlineData("caf\u00e9@example.com")] // precomposed é: the same address as the one above
    [InlineData("\uFF41lice@example.com")] // full-width a: the same as alice@ under NFKC
    [InlineData("\u0430lice@example.com")] // Cyrillic a: looks like alice@
    public async Task CreateUser_NonAsciiEmail_IsInvalidArgument_SoNoAddressRegistersTwiceUnderAnotherSpelling(string email)
    {
        var failure = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => _admin.CreateUserAsync(Users.NewRequest("Twin", email)).ResponseAsync);

        Assert.Equal(["email"], RpcAssert.ViolatedFields(failure));
    }

    [Fact]
    public async Task CreateUser_CaseVariantOfATakenEmail_IsAlreadyExists()
    {
        await RpcAssert.FailsWithAsync(StatusCode.AlreadyExists, () => _admin.CreateUserAsync(Users.NewRequest("Twin", "ALICE@Example.COM")).ResponseAsync);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("1.5")]
    public async Task PresentButInvalidUid_IsUnauthenticated_EvenWithAVerifiedEmail(string uid)
    {
        var token = RawTokens.Mint(_tokens.SigningKey, new Dictionary<string, object>
        {
            ["sub"] = "alice", ["uid"] = uid, ["email"] = _alice.Email, ["email_verified"] = true,
        });

        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => Tokens.Client(_server, token).GetUserAsync(new GetUserRequest { Id = _alice.Id }).ResponseAsync);
    }

    [Fact]
    public async Task UidBinding_WinsOverAVerifiedEmailOfAnotherUser()
    {
        var alice = Tokens.Client(_server, _tokens.Mint("alice", userId: _alice.Id, email: _bob.Email, emailVerified: true));

        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => alice.GetUserAsync(new GetUserRequest { Id = _bob.Id }).ResponseAsync);
    }

    [Fact]
    public async Task UserIdHeader_IsNotIdentity()
    {
        var alice = Tokens.Client(_server, _tokens.Mint("alice", userId: _alice.Id));
        var headers = new Metadata { { "user-id", _bob.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } };

        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => alice.GetUserAsync(new GetUserRequest { Id = _bob.Id }, headers).ResponseAsync);
    }
}

/// <summary><c>Auth:Jwt:UserIdClaim</c> names the claim that carries the user id.</summary>
public sealed class CustomUserIdClaimTests : IAsyncLifetime
{
    private readonly Tokens _tokens = new();
    private TestServer _server = null!;
    private Contracts.User _alice = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(databasePath: null, [.. _tokens.ServerSettings, "Auth:Jwt:UserIdClaim=user_id"]);
        _alice = (await Tokens.Client(_server, _tokens.Admin()).CreateUserAsync(Users.NewRequest("Alice")).ResponseAsync.DefaultTimeout()).User;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ConfiguredClaim_BindsTheCaller()
    {
        var token = RawTokens.Mint(_tokens.SigningKey, new Dictionary<string, object> { ["sub"] = "alice", ["user_id"] = _alice.Id });

        var user = await Tokens.Client(_server, token).GetUserAsync(new GetUserRequest { Id = _alice.Id }).ResponseAsync.DefaultTimeout();

        Assert.Equal(_alice.Id, user.Id);
    }

    [Fact]
    public async Task PlainUidClaim_IsIgnored_WhenAnotherClaimIsConfigured()
    {
        var token = RawTokens.Mint(_tokens.SigningKey, new Dictionary<string, object> { ["sub"] = "mallory", ["uid"] = _alice.Id });

        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => Tokens.Client(_server, token).GetUserAsync(new GetUserRequest { Id = _alice.Id }).ResponseAsync);
    }
}
