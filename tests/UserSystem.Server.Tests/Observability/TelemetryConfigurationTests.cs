using UserSystem.Server.Tests.Hosting;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Observability;

/// <summary>A bad Telemetry setting stops the server at start, naming the setting, like every other section.</summary>
public sealed class TelemetryConfigurationTests
{
    [Theory]
    [InlineData("Telemetry:MetricsPath=metrics", "Telemetry:MetricsPath")]
    [InlineData("Telemetry:OtlpEndpoint=not a url", "Telemetry:OtlpEndpoint")]
    public async Task BadSetting_FailsStart_NamingTheSetting(string setting, string key)
    {
        using var directory = new TempDirectory();

        var exception = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => ConfigurationValidationTests.BuildAndStartAsync(
            $"--Storage:Sqlite:Path={directory.File("users.db")}", "--Server:GrpcPort=0", "--Server:HttpPort=0", "--" + setting));

        Assert.Contains(key, exception.Message, StringComparison.Ordinal);
    }
}
