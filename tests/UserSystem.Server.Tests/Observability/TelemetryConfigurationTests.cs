using UserSystem.Server.Tests.Hosting;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Observability;

/// <summary>A bad Telemetry setting stops the server before it starts, naming the setting.</summary>
public sealed class TelemetryConfigurationTests
{
    [Theory]
    [InlineData("Telemetry:MetricsPath=metrics", "Telemetry:MetricsPath")]
    [InlineData("Telemetry:OtlpEndpoint=not a url", "Telemetry:OtlpEndpoint")]
    public async Task BadSetting_FailsStart_NamingTheSetting(string setting, string key)
    {
        using var directory = new TempDirectory();

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => ConfigurationValidationTests.BuildAndStartAsync(
            $"--Storage:Sqlite:Path={directory.File("users.db")}", "--Server:GrpcPort=0", "--Server:HttpPort=0", "--" + setting));

        Assert.Contains(key, exception.Message, StringComparison.Ordinal);
    }
}
