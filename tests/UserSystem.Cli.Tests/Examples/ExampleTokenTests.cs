using System.Security.Cryptography;
using UserSystem.Server.Security;
using UserSystem.Testing;

namespace UserSystem.Cli.Tests.Examples;

/// <summary>The Python and Node examples against a server that requires tokens: they send the one in USERS_TOKEN.</summary>
public sealed class ExampleTokenTests : IAsyncLifetime
{
    private readonly string _signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(databasePath: null, "Auth:Mode=Jwt", $"Auth:Jwt:SigningKey={_signingKey}");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(ExampleRun.Python)]
    [InlineData(ExampleRun.Node)]
    public async Task Example_WithAnAdminTokenInUsersToken_CallsEveryRpcAndExitsZero(string program)
    {
        var token = DevTokenMinter.Mint(new JwtAuthOptions { SigningKey = _signingKey }, new DevTokenRequest("example", null, null, [CallerClaims.AdminRole], TimeSpan.FromMinutes(5)));

        var (exitCode, output) = await ExampleRun.RunAsync(program, Script(program), _server.GrpcAddress, token);

        Assert.True(exitCode == 0, $"the example exited with {exitCode}:\n{output}");
        Assert.Contains("all six RPCs OK", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ExampleRun.Python)]
    [InlineData(ExampleRun.Node)]
    public async Task Example_WithoutAToken_FailsUnauthenticated(string program)
    {
        var (exitCode, output) = await ExampleRun.RunAsync(program, Script(program), _server.GrpcAddress);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("UNAUTHENTICATED", output, StringComparison.Ordinal);
    }

    private static string Script(string program) => program == ExampleRun.Python ? ExampleRun.PythonScript : ExampleRun.NodeScript;
}
