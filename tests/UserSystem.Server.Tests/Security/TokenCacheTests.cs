using System.Security.Claims;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using UserSystem.Contracts;
using UserSystem.Server.Security;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>Validated tokens are cached until their expiry, never longer, and a change of signing keys empties the cache.</summary>
public sealed class TokenCacheTests
{
    private readonly Tokens _tokens = new();
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly CountingHandler _inner = new();
    private readonly TokenValidationParameters _parameters = new() { IssuerSigningKey = new SymmetricSecurityKey(new byte[32]) };

    [Fact]
    public async Task SameToken_IsValidatedOnce()
    {
        var cache = new CachingTokenHandler(_inner, _clock);
        var token = _tokens.Admin();

        var first = await cache.ValidateTokenAsync(token, _parameters).DefaultTimeout();
        var second = await cache.ValidateTokenAsync(token, _parameters).DefaultTimeout();

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, _inner.Calls);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal("admin", second.ClaimsIdentity.FindFirst("sub")?.Value);
    }

    [Fact]
    public async Task AfterTheTokensExpiry_ItIsValidatedAgain_AndNotCachedAnyMore()
    {
        var cache = new CachingTokenHandler(_inner, _clock);
        var token = _tokens.Mint("short", lifetime: TimeSpan.FromMinutes(2));
        await cache.ValidateTokenAsync(token, _parameters).DefaultTimeout();

        _clock.Now = new JsonWebToken(token).ValidTo.AddSeconds(1);
        await cache.ValidateTokenAsync(token, _parameters).DefaultTimeout();
        await cache.ValidateTokenAsync(token, _parameters).DefaultTimeout();

        // The inner validator decides after expiry (its clock skew); the cache never answers then.
        Assert.Equal(3, _inner.Calls);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task JustBeforeExpiry_TheCacheStillAnswers()
    {
        var cache = new CachingTokenHandler(_inner, _clock);
        var token = _tokens.Mint("short", lifetime: TimeSpan.FromMinutes(2));
        await cache.ValidateTokenAsync(token, _parameters).DefaultTimeout();

        _clock.Now = new JsonWebToken(token).ValidTo.AddSeconds(-1);
        await cache.ValidateTokenAsync(token, _parameters).DefaultTimeout();

        Assert.Equal(1, _inner.Calls);
    }

    [Fact]
    public async Task ChangedSigningKeys_EmptyTheCache()
    {
        var cache = new CachingTokenHandler(_inner, _clock);
        var token = _tokens.Admin();
        await cache.ValidateTokenAsync(token, _parameters).DefaultTimeout();

        var rotated = _parameters.Clone();
        rotated.IssuerSigningKey = new SymmetricSecurityKey(new byte[32]);
        await cache.ValidateTokenAsync(token, rotated).DefaultTimeout();
        await cache.ValidateTokenAsync(token, rotated).DefaultTimeout();

        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task ParametersClonedForEveryCall_WithAKeyList_StillHitTheCache()
    {
        // The JWT bearer handler clones its parameters, key list included, for every request.
        var configured = new TokenValidationParameters { IssuerSigningKeys = [new SymmetricSecurityKey(new byte[32]), new SymmetricSecurityKey(new byte[32])] };
        var cache = new CachingTokenHandler(_inner, _clock);
        var token = _tokens.Admin();

        for (var i = 0; i < 3; i++)
        {
            var perRequest = configured.Clone();
            Assert.NotSame(configured.IssuerSigningKeys, perRequest.IssuerSigningKeys);
            Assert.True((await cache.ValidateTokenAsync(token, perRequest).DefaultTimeout()).IsValid);
        }

        Assert.Equal(1, _inner.Calls);
    }

    [Fact]
    public async Task AKeyAddedToTheList_EmptiesTheCache()
    {
        var key = new SymmetricSecurityKey(new byte[32]);
        var cache = new CachingTokenHandler(_inner, _clock);
        var token = _tokens.Admin();
        await cache.ValidateTokenAsync(token, new TokenValidationParameters { IssuerSigningKeys = [key] }).DefaultTimeout();

        var rotated = new TokenValidationParameters { IssuerSigningKeys = [key, new SymmetricSecurityKey(new byte[32])] };
        await cache.ValidateTokenAsync(token, rotated).DefaultTimeout();
        await cache.ValidateTokenAsync(token, rotated.Clone()).DefaultTimeout();

        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task InvalidTokens_AreNotCached()
    {
        _inner.Valid = false;
        var cache = new CachingTokenHandler(_inner, _clock);
        var token = _tokens.Admin();

        Assert.False((await cache.ValidateTokenAsync(token, _parameters).DefaultTimeout()).IsValid);
        Assert.False((await cache.ValidateTokenAsync(token, _parameters).DefaultTimeout()).IsValid);

        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task TheCache_StaysWithinItsBound()
    {
        var cache = new CachingTokenHandler(_inner, _clock, maxEntries: 3);

        for (var i = 0; i < 10; i++)
        {
            await cache.ValidateTokenAsync(_tokens.Mint($"caller-{i}"), _parameters).DefaultTimeout();
            Assert.InRange(cache.Count, 1, 3);
        }
    }

    [Fact]
    public async Task Server_WithTheCache_StillRefusesAForeignSignedToken()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, _tokens.ServerSettings);
        var admin = Tokens.Client(server, _tokens.Admin());
        await admin.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        await admin.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();

        var foreign = Tokens.Client(server, new Tokens().Admin());
        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => foreign.ListUsersAsync(new ListUsersRequest()).ResponseAsync);
    }

    private sealed class CountingHandler : TokenHandler
    {
        public int Calls { get; private set; }

        public bool Valid { get; set; } = true;

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Calls++;
            var jwt = new JsonWebToken(token);
            return Task.FromResult(Valid
                ? new TokenValidationResult { IsValid = true, SecurityToken = jwt, ClaimsIdentity = new ClaimsIdentity(jwt.Claims, "test") }
                : new TokenValidationResult { IsValid = false, Exception = new SecurityTokenInvalidSignatureException("bad") });
        }
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
