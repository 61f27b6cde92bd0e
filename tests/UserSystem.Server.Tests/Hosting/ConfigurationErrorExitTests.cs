using UserSystem.Testing;

namespace UserSystem.Server.Tests.Hosting;

/// <summary>The server process itself: a bad configuration prints one line per bad setting and exits non-zero, without a stack trace.</summary>
public sealed class ConfigurationErrorExitTests
{
    [Fact]
    public async Task BadSettingsInThreeSections_PrintOneLineEach_AndExitWithTheConfigurationCode()
    {
        using var directory = new TempDirectory();

        var (exitCode, output) = await ServerProcess.RunToExitAsync(
            $"--Storage:Sqlite:Path={directory.File("users.db")}", "--Server:BindAddress=nowhere", "--Limits:MaxStreamDelaySeconds=-5", "--RateLimit:BurstLimit=-1").DefaultTimeout();

        Assert.Equal(78, exitCode);
        // Server is read while the host is built, the others when it starts: all are reported in one go.
        Assert.Single(output, line => line.StartsWith("Configuration error: Server:BindAddress", StringComparison.Ordinal));
        Assert.Single(output, line => line.StartsWith("Configuration error: Limits:MaxStreamDelaySeconds", StringComparison.Ordinal));
        Assert.Single(output, line => line.StartsWith("Configuration error: RateLimit:BurstLimit", StringComparison.Ordinal));
        Assert.DoesNotContain(output, line => line.Contains("Unhandled exception", StringComparison.Ordinal) || line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValuesThatDoNotConvert_NumberBoolAndEnum_PrintOneLineEachNamingSettingAndValue_AndExitWithTheConfigurationCode()
    {
        using var directory = new TempDirectory();

        // Later arguments win, so these replace the defaults RunToExitAsync passes.
        var (exitCode, output) = await ServerProcess.RunToExitAsync(
            $"--Storage:Sqlite:Path={directory.File("users.db")}", "--Server:GrpcPort=abc", "--Cache:Enabled=maybe", "--Auth:Mode=Sometimes").DefaultTimeout();

        Assert.Equal(78, exitCode);
        Assert.Contains("Configuration error: Server:GrpcPort: 'abc' is not a whole number in range.", output);
        Assert.Contains("Configuration error: Cache:Enabled: 'maybe' is not true or false.", output);
        Assert.Contains("Configuration error: Auth:Mode: 'Sometimes' is not one of None, Jwt.", output);
        Assert.DoesNotContain(output, line => line.Contains("Unhandled exception", StringComparison.Ordinal) || line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }
}
