using System.Security.Cryptography;
using UserSystem.Cli.Hosting;
using UserSystem.Server.Security;
using UserSystem.Testing;

namespace UserSystem.Cli.Tests;

/// <summary>
/// Against a server that requires tokens: refusals say what was missing or refused and how to
/// give a token; `users login` keeps the address and token in a 0600 profile that options and
/// the environment override; `users config` shows what is in effect without printing the token.
/// </summary>
public sealed class TokenGuidanceTests : IAsyncLifetime
{
    private readonly string _signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly TempDirectory _home = new();
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(databasePath: null, "Auth:Mode=Jwt", $"Auth:Jwt:SigningKey={_signingKey}");

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _home.Dispose();
    }

    [Fact]
    public async Task NoToken_IsUnauthenticated_AndTheErrorSaysHowToGiveOne()
    {
        var result = await RunAsync(["--address", Address, "list"]);

        Assert.Equal(ExitCodes.Denied, result.ExitCode);
        var error = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: UNAUTHENTICATED: This server needs a token", error, StringComparison.Ordinal);
        Assert.Contains("--token", error, StringComparison.Ordinal);
        Assert.Contains("USERS_TOKEN", error, StringComparison.Ordinal);
        Assert.Contains("users login", error, StringComparison.Ordinal);
        Assert.DoesNotContain("HTTP status code", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiredToken_SaysTheTokenWasRefused()
    {
        var expired = Mint("alice", TimeSpan.FromMinutes(5), CallerClaims.AdminRole, issuedAt: DateTime.UtcNow.AddHours(-1));

        var result = await RunAsync(["--address", Address, "--token", expired, "list"]);

        Assert.Equal(ExitCodes.Denied, result.ExitCode);
        Assert.Contains("refused the token", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonAdminToken_OnAnAdminCall_SaysItNeedsTheAdminRole()
    {
        var result = await RunAsync(["--address", Address, "--token", Mint("bob", TimeSpan.FromMinutes(5)), "list"]);

        Assert.Equal(ExitCodes.Denied, result.ExitCode);
        var error = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: PERMISSION_DENIED: ", error, StringComparison.Ordinal);
        Assert.Contains("admin role", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_SavesAddressAndTokenReadableByTheOwnerOnly_AndLaterCommandsUseThem()
    {
        var token = Mint("alice", TimeSpan.FromMinutes(30), CallerClaims.AdminRole);

        var login = await RunAsync(["login", "--server", Address, "--token", token]);
        var list = await RunAsync(["list"]);
        var config = await RunAsync(["config"]);

        Assert.Equal(ExitCodes.Success, login.ExitCode);
        var profile = Path.Combine(_home.Path, ".config", "users", "profile.json");
        Assert.True(File.Exists(profile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(profile));
        }

        Assert.Equal(ExitCodes.Success, list.ExitCode);
        Assert.Equal(ExitCodes.Success, config.ExitCode);
        Assert.Contains(config.OutLines, line => line.StartsWith("address: ", StringComparison.Ordinal) && line.Contains("(from profile)", StringComparison.Ordinal));
        Assert.Contains(config.OutLines, line => line.StartsWith("token:   alice (admin), expires ", StringComparison.Ordinal) && line.EndsWith("(from profile)", StringComparison.Ordinal));
        Assert.DoesNotContain(token, config.Out + login.Out + login.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OptionsAndEnvironment_OverrideTheProfile()
    {
        await RunAsync(["login", "--server", Address, "--token", "not-a-valid-token"]);
        var good = Mint("alice", TimeSpan.FromMinutes(30), CallerClaims.AdminRole);

        var withProfileOnly = await RunAsync(["list"]);
        var withOption = await RunAsync(["--token", good, "list"]);
        var withEnvironment = await RunAsync(["list"], ("USERS_TOKEN", good));
        var config = await RunAsync(["config"], ("USERS_TOKEN", good));

        Assert.Equal(ExitCodes.Denied, withProfileOnly.ExitCode);
        Assert.Equal(ExitCodes.Success, withOption.ExitCode);
        Assert.Equal(ExitCodes.Success, withEnvironment.ExitCode);
        Assert.Contains(config.OutLines, line => line.StartsWith("token:", StringComparison.Ordinal) && line.EndsWith("(from USERS_TOKEN)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logout_RemovesTheProfile()
    {
        await RunAsync(["login", "--server", Address]);

        var logout = await RunAsync(["logout"]);
        var config = await RunAsync(["config"]);

        Assert.Equal(ExitCodes.Success, logout.ExitCode);
        Assert.Contains(config.OutLines, line => line.Contains("(not saved)", StringComparison.Ordinal));
        Assert.Contains(config.OutLines, line => line.Contains("(from default)", StringComparison.Ordinal));
    }

    private string Address => _server.GrpcAddress.ToString();

    private string Mint(string subject, TimeSpan lifetime, string? role = null, DateTime? issuedAt = null) =>
        DevTokenMinter.Mint(new JwtAuthOptions { SigningKey = _signingKey }, new DevTokenRequest(subject, null, null, role is null ? [] : [role], lifetime), issuedAt);

    // HOME points into a folder of this test's own, so the real user's profile is never read or written.
    private Task<CliResult> RunAsync(string[] args, params (string Name, string Value)[] environment) =>
        CliRun.RunAsync(args, input: null, new Dictionary<string, string>(environment.Select(pair => KeyValuePair.Create(pair.Name, pair.Value))) { ["HOME"] = _home.Path });
}
