using Microsoft.Extensions.Options;
using UserSystem.Server.Tests.Hosting;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Web;

/// <summary>A bad <c>Web</c> setting stops the server at start with a message that names it.</summary>
public sealed class WebOptionsValidationTests
{
    [Theory]
    [InlineData("Web:CorsOrigins:0=admin.example.com", "Web:CorsOrigins:0")]
    [InlineData("Web:CorsOrigins:0=https://admin.example.com/console", "Web:CorsOrigins:0")]
    [InlineData("Web:CorsOrigins:1=ftp://files.example.com", "Web:CorsOrigins:1")]
    public async Task BadCorsOrigin_FailsStart_NamingTheSetting(string setting, string key)
    {
        using var directory = new TempDirectory();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => ConfigurationValidationTests.BuildAndStartAsync(
            $"--Storage:Sqlite:Path={directory.File("users.db")}", "--Server:GrpcPort=0", "--Server:HttpPort=0",
            "--Web:CorsOrigins:0=https://ok.example.com", "--" + setting));

        Assert.Contains(key, exception.Message, StringComparison.Ordinal);
    }
}
