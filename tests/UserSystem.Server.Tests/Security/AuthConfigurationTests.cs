using Microsoft.Extensions.Options;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>An unsafe or incomplete Auth section stops the server at start with a message naming it.</summary>
public sealed class AuthConfigurationTests
{
    private static readonly string ValidKey = Convert.ToBase64String(new byte[32]);

    [Fact]
    public async Task Production_WithAuthOff_RefusesToStart()
    {
        var exception = await StartFailsAsync("--environment=Production", "--Auth:Mode=None");

        Assert.Contains("Auth:Mode=None is allowed only in the Development environment", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_WithoutAuthMode_RefusesToStart()
    {
        var exception = await StartFailsAsync("--environment=Production");

        Assert.Contains("Auth:Mode is not set", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthOff_OnANonLoopbackAddress_RefusesToStart()
    {
        var exception = await StartFailsAsync("--environment=Development", "--Auth:Mode=None", "--Server:BindAddress=0.0.0.0");

        Assert.Contains("only when the server binds to loopback", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Auth:Mode=Jwt", "exactly one of Auth:Jwt:SigningKey")]
    [InlineData("--Auth:Jwt:SigningKey=c2hvcnQ=", "at least 32 bytes")]
    [InlineData("--Auth:Jwt:SigningKey=not base64!", "Auth:Jwt:SigningKey must be base64")]
    [InlineData("--Auth:Jwt:Authority=https://idp.example.com", "exactly one of Auth:Jwt:SigningKey")]
    [InlineData("--Auth:Jwt:Audience= ", "Auth:Jwt:Audience must be set")]
    public async Task JwtModeWithoutAUsableKey_RefusesToStart(string setting, string message)
    {
        string[] args = setting == "--Auth:Mode=Jwt"
            ? ["--environment=Production", setting]
            : ["--environment=Production", "--Auth:Mode=Jwt", $"--Auth:Jwt:SigningKey={ValidKey}", setting];

        var exception = await StartFailsAsync(args);

        Assert.Contains(message, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_WithJwtAndAKey_Starts()
    {
        using var directory = new TempDirectory();

        await BuildAndStartAsync(directory, "--environment=Production", "--Auth:Mode=Jwt", $"--Auth:Jwt:SigningKey={ValidKey}");
    }

    private static async Task<OptionsValidationException> StartFailsAsync(params string[] args)
    {
        using var directory = new TempDirectory();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => BuildAndStartAsync(directory, args));
    }

    private static async Task BuildAndStartAsync(TempDirectory directory, params string[] args)
    {
        await using var app = UserSystemServer.Build(
            ["--Server:GrpcPort=0", "--Server:HttpPort=0", $"--Storage:Sqlite:Path={directory.File("users.db")}", "--Logging:LogLevel:Default=Warning", .. args]);
        await app.StartAsync().DefaultTimeout();
        await app.StopAsync().DefaultTimeout();
    }

    [Fact]
    public async Task AuthOff_OnLoopback_StartsWithALoudWarning()
    {
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(directory.File("users.db"), "Auth:Mode=None");

        var warning = await server.WaitForOutputAsync(line => line.Contains("AUTHENTICATION IS OFF", StringComparison.Ordinal)).DefaultTimeout();

        Assert.Contains("Auth:Mode=None", warning, StringComparison.Ordinal);
    }
}
