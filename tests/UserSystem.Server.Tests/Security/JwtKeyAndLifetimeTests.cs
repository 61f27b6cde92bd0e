using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UserSystem.Contracts;
using UserSystem.Server.Security;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>Several signing keys at once (rotation with overlap), a maximum token lifetime, and only the JWT scheme in JWT mode.</summary>
public sealed class JwtKeyAndLifetimeTests : IAsyncLifetime
{
    private readonly string _newKey = NewKey();
    private readonly string _oldKey = NewKey();
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(databasePath: null,
            "Auth:Mode=Jwt", $"Auth:Jwt:SigningKey={_newKey}", $"Auth:Jwt:SigningKeys:0={_oldKey}", "Auth:Jwt:MaxTokenLifetimeMinutes=60");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task TokensSignedWithTheNewAndTheOldKey_AreBothAccepted()
    {
        foreach (var key in new[] { _newKey, _oldKey })
        {
            var response = await ListAsync(AdminToken(key));

            Assert.Equal(0, response.Total);
        }
    }

    [Fact]
    public async Task TokenSignedWithAnUnknownKey_IsUnauthenticated()
    {
        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => ListAsync(AdminToken(NewKey())));
    }

    [Fact]
    public async Task TokenLivingLongerThanTheMaximum_IsUnauthenticated()
    {
        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => ListAsync(AdminToken(_newKey, TimeSpan.FromMinutes(61))));
    }

    [Fact]
    public async Task TokenWithinTheMaximum_IsAccepted()
    {
        var response = await ListAsync(AdminToken(_newKey, TimeSpan.FromMinutes(59)));

        Assert.Equal(0, response.Total);
    }

    [Fact]
    public async Task JwtMode_HasNoOpenScheme()
    {
        var schemes = await _server.Services.GetRequiredService<IAuthenticationSchemeProvider>().GetAllSchemesAsync();

        Assert.DoesNotContain(schemes, scheme => scheme.Name == OpenModeAuthenticationHandler.SchemeName);
    }

    private Task<ListUsersResponse> ListAsync(string token) =>
        Tokens.Client(_server, token).ListUsersAsync(new ListUsersRequest()).ResponseAsync;

    private static string AdminToken(string key, TimeSpan? lifetime = null) =>
        RawTokens.Mint(key, new Dictionary<string, object> { ["sub"] = "admin", ["role"] = "admin" }, lifetime);

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}

/// <summary>Start-time rules for JWT: key strength of every key, lifetime bounds, metadata over HTTPS in Production.</summary>
public sealed class JwtConfigurationTests
{
    private static readonly string ValidKey = Convert.ToBase64String(new byte[32]);

    [Theory]
    [InlineData("--Auth:Jwt:SigningKeys:0=c2hvcnQ=", "at least 32 bytes long (e.g. `openssl rand -base64 32`); so must every Auth:Jwt:SigningKeys entry")]
    [InlineData("--Auth:Jwt:MaxTokenLifetimeMinutes=0", "Auth:Jwt:MaxTokenLifetimeMinutes must be between 1 and")]
    [InlineData("--Auth:Jwt:UserIdClaim= ", "Auth:Jwt:UserIdClaim must name the claim")]
    public async Task BadJwtSetting_RefusesToStart(string setting, string message)
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            StartAsync("--environment=Production", "--Auth:Mode=Jwt", $"--Auth:Jwt:SigningKey={ValidKey}", setting));

        Assert.Contains(message, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_WithRequireHttpsMetadataOff_RefusesToStart()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            StartAsync("--environment=Production", "--Auth:Mode=Jwt", "--Auth:Jwt:Authority=http://idp.example", "--Auth:Jwt:RequireHttpsMetadata=false"));

        Assert.Contains("Auth:Jwt:RequireHttpsMetadata=false is refused in the Production environment", exception.Message, StringComparison.Ordinal);
    }

    internal static async Task StartAsync(params string[] args)
    {
        using var directory = new TempDirectory();
        await using var app = UserSystemServer.Build(
            ["--Server:GrpcPort=0", "--Server:HttpPort=0", $"--Storage:Sqlite:Path={directory.File("users.db")}", "--Logging:LogLevel:Default=Warning", .. args]);
        await app.StartAsync().DefaultTimeout();
        await app.StopAsync().DefaultTimeout();
    }
}

/// <summary>Tokens never cross the network in clear text: JWT off loopback needs TLS or a declared TLS proxy.</summary>
public sealed class TokenTransportTests
{
    private static readonly string ValidKey = Convert.ToBase64String(new byte[32]);

    [Fact]
    public async Task Jwt_OnANonLoopbackAddressWithoutTls_RefusesToStart()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            JwtConfigurationTests.StartAsync("--environment=Production", "--Auth:Mode=Jwt", $"--Auth:Jwt:SigningKey={ValidKey}", "--Server:BindAddress=0.0.0.0"));

        Assert.Contains("would send bearer tokens in clear text", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Server:BehindTlsProxy=true", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jwt_OnANonLoopbackAddress_BehindADeclaredTlsProxy_Starts()
    {
        await JwtConfigurationTests.StartAsync(
            "--environment=Production", "--Auth:Mode=Jwt", $"--Auth:Jwt:SigningKey={ValidKey}", "--Server:BindAddress=0.0.0.0", "--Server:BehindTlsProxy=true");
    }
}
