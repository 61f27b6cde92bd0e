using Microsoft.Extensions.Options;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Hosting;

/// <summary>A bad setting stops the server at start with a message that names it.</summary>
public sealed class ConfigurationValidationTests
{
    [Theory]
    [InlineData("Server:GrpcPort=70000", "Server:GrpcPort")]
    [InlineData("Server:HttpPort=-1", "Server:HttpPort")]
    [InlineData("Server:BindAddress=not-an-ip", "Server:BindAddress")]
    [InlineData("Storage:Provider=Oracle", "Storage:Provider")]
    [InlineData("Storage:Provider=Postgres", "ConnectionStrings:Postgres")]
    [InlineData("Storage:Sqlite:Path= ", "Storage:Sqlite:Path")]
    [InlineData("Limits:MaxPageSize=0", "Limits:MaxPageSize")]
    [InlineData("Limits:MaxStreamDelaySeconds=-5", "Limits:MaxStreamDelaySeconds")]
    [InlineData("Storage:StandbyReads:ReplayWaitMilliseconds=60000", "Storage:StandbyReads:ReplayWaitMilliseconds")]
    [InlineData("Storage:StandbyReads:MaxStalenessMilliseconds=-1", "Storage:StandbyReads:MaxStalenessMilliseconds")]
    public async Task BadSetting_FailsStart_NamingTheSetting(string setting, string key)
    {
        using var directory = new TempDirectory();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => BuildAndStartAsync(
            $"--Storage:Sqlite:Path={directory.File("users.db")}", "--Server:GrpcPort=0", "--Server:HttpPort=0", "--" + setting));

        Assert.Contains(key, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostgresWithAMalformedConnectionString_FailsStart_NamingTheSetting()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => BuildAndStartAsync(
            "--Server:GrpcPort=0", "--Server:HttpPort=0", "--Storage:Provider=Postgres", "--ConnectionStrings:Postgres=Hostt=db;Password=secret"));

        Assert.Contains("ConnectionStrings:Postgres", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameGrpcAndHttpPort_FailsStart()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => BuildAndStartAsync("--Server:GrpcPort=5555", "--Server:HttpPort=5555"));

        Assert.Contains("must differ", exception.Message, StringComparison.Ordinal);
    }

    // Some settings are read while the host is built, others when it starts: both count as start.
    internal static async Task BuildAndStartAsync(params string[] args)
    {
        // Development with auth off, so only the setting under test can fail the start.
        await using var app = UserSystemServer.Build(["--environment=Development", "--Auth:Mode=None", .. args]);
        await app.StartAsync().DefaultTimeout();
        await app.StopAsync().DefaultTimeout();
    }
}
