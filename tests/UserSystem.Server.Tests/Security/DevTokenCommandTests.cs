using System.Diagnostics;
using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Server.Security;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>The server's <c>token</c> command mints tokens the server accepts, with the claims asked for.</summary>
public sealed class DevTokenCommandTests
{
    [Fact]
    public async Task MintedAdminToken_IsAcceptedForAdminCalls()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, tokens.ServerSettings);

        var token = MintWithCommand("--subject", "alice", "--role", "admin", "--minutes", "5", $"--Auth:Jwt:SigningKey={tokens.SigningKey}");
        var created = await Tokens.Client(server, token).CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();

        Assert.True(created.User.Id > 0);
    }

    [Fact]
    public async Task DevTokenScript_PrintsOnlyTheToken_AndTheServerAcceptsIt()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, tokens.ServerSettings);
        var start = new ProcessStartInfo(RepositoryFiles.PathOf("scripts", "dev-token.sh"), ["--subject", "alice", "--role", "admin"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["Auth__Jwt__SigningKey"] = tokens.SigningKey },
        };

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(3)); // may build the server first
        await process.WaitForExitAsync().DefaultTimeout();

        Assert.Equal(0, process.ExitCode);
        var token = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var created = await Tokens.Client(server, token).CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();
        Assert.True(created.User.Id > 0);
    }

    [Fact]
    public async Task MintedUserToken_ReadsOwnUserOnly()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, tokens.ServerSettings);
        var admin = Tokens.Client(server, tokens.Admin());
        var bob = (await admin.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout()).User;
        var alice = (await admin.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout()).User;

        var token = MintWithCommand("--subject", "alice", "--user-id", alice.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), $"--Auth:Jwt:SigningKey={tokens.SigningKey}");
        var client = Tokens.Client(server, token);

        Assert.Equal(alice.Email, (await client.GetUserAsync(new GetUserRequest { Id = alice.Id }).ResponseAsync.DefaultTimeout()).Email);
        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => client.GetUserAsync(new GetUserRequest { Id = bob.Id }).ResponseAsync);
    }

    [Theory]
    [InlineData("--role", "admin")]
    [InlineData("--subject", "alice", "--minutes", "0")]
    [InlineData("--subject", "alice", "--user-id", "x")]
    public void BadArguments_ExitWith2AndUsage(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = DevTokenCommand.Run([.. args, $"--Auth:Jwt:SigningKey={new Tokens().SigningKey}"], output, error);

        Assert.Equal(2, exitCode);
        Assert.Contains("usage: token", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }

    [Fact]
    public void WithoutASigningKey_ExitsWith2NamingTheSetting()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = DevTokenCommand.Run(["--subject", "alice"], output, error);

        Assert.Equal(2, exitCode);
        Assert.Contains("Auth:Jwt:SigningKey is not configured", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerExecutable_TokenSubcommand_PrintsAnAcceptedToken()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, tokens.ServerSettings);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The key through the environment, as the README shows.
        start.Environment["Auth__Jwt__SigningKey"] = tokens.SigningKey;
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "UserSystem.Server.dll"), "token", "--subject", "ops", "--role", "admin" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().DefaultTimeout();

        Assert.True(process.ExitCode == 0, await stderr);
        var list = await Tokens.Client(server, (await stdout).Trim()).ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal(0, list.Total);
    }

    private static string MintWithCommand(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = DevTokenCommand.Run(args, output, error);
        Assert.True(exitCode == 0, error.ToString());
        return output.ToString().Trim();
    }
}
