using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>
/// Auth:Jwt:Authority: the server finds the issuer and signing keys in an OpenID Connect
/// discovery document, here served by a minimal identity provider on a loopback socket.
/// </summary>
public sealed class OidcAuthorityTests : IAsyncLifetime
{
    private readonly RsaSecurityKey _providerKey = new(RSA.Create(2048)) { KeyId = "test-key-1" };
    private WebApplication _provider = null!;
    private TestServer _server = null!;

    private string Issuer => _provider.Urls.Single();

    public async Task InitializeAsync()
    {
        _provider = await StartProviderAsync(_providerKey);
        _server = await TestServer.StartAsync(databasePath: null,
            "Auth:Mode=Jwt", $"Auth:Jwt:Authority={Issuer}", "Auth:Jwt:Audience=user-system", "Auth:Jwt:RequireHttpsMetadata=false");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _provider.DisposeAsync();
        _providerKey.Rsa.Dispose();
    }

    [Fact]
    public async Task TokenFromTheProvider_IsAccepted()
    {
        var token = Mint(_providerKey, Issuer, "ops@idp", "admin");

        var list = await Tokens.Client(_server, token).ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();

        Assert.Equal(0, list.Total);
    }

    [Fact]
    public async Task TokenSignedByAnotherKey_IsUnauthenticated()
    {
        using var otherRsa = RSA.Create(2048);
        var token = Mint(new RsaSecurityKey(otherRsa) { KeyId = "test-key-1" }, Issuer, "mallory", "admin");

        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => Tokens.Client(_server, token).ListUsersAsync(new ListUsersRequest()).ResponseAsync);
    }

    [Fact]
    public async Task TokenFromAnotherIssuer_IsUnauthenticated()
    {
        var token = Mint(_providerKey, "https://other-issuer.example", "mallory", "admin");

        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => Tokens.Client(_server, token).ListUsersAsync(new ListUsersRequest()).ResponseAsync);
    }

    private static string Mint(SecurityKey key, string issuer, string subject, string role) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("role", role)]),
        Issuer = issuer,
        Audience = "user-system",
        Expires = DateTime.UtcNow.AddMinutes(5),
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
    });

    private static async Task<WebApplication> StartProviderAsync(RsaSecurityKey key)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var publicKey = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(includePrivateParameters: false)) { KeyId = key.KeyId });
        app.MapGet("/.well-known/openid-configuration", (HttpContext context) => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = app.Urls.Single(),
            ["jwks_uri"] = app.Urls.Single() + "/jwks",
        }));
        app.MapGet("/jwks", () => Results.Json(new Dictionary<string, object>
        {
            ["keys"] = new[] { new Dictionary<string, string> { ["kty"] = publicKey.Kty, ["kid"] = publicKey.Kid, ["use"] = "sig", ["alg"] = "RS256", ["n"] = publicKey.N, ["e"] = publicKey.E } },
        }));
        await app.StartAsync().DefaultTimeout();
        return app;
    }
}
