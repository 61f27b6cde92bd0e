using System.Globalization;
using System.Net;
using System.Net.Sockets;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Hosting;

/// <summary>The server process: expected start failures are one sentence and exit code 69; --help and --version answer without starting.</summary>
public sealed class StartupFailureExitTests
{
    private const int UnavailableExitCode = 69;

    [Fact]
    public async Task GrpcPortInUse_PrintsOneLineNamingThePortAndItsSetting_AndExits69WithoutAStackTrace()
    {
        using var directory = new TempDirectory();
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        var (exitCode, output) = await ServerProcess.RunToExitAsync($"--Storage:Sqlite:Path={directory.File("users.db")}", $"--Server:GrpcPort={port}").DefaultTimeout();

        Assert.Equal(UnavailableExitCode, exitCode);
        var error = Assert.Single(output, line => line.StartsWith("Start error:", StringComparison.Ordinal));
        Assert.Contains($"Port {port} ", error, StringComparison.Ordinal);
        Assert.Contains("Server:GrpcPort", error, StringComparison.Ordinal);
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task HttpPortInUse_NamesServerHttpPort()
    {
        using var directory = new TempDirectory();
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        var (exitCode, output) = await ServerProcess.RunToExitAsync($"--Storage:Sqlite:Path={directory.File("users.db")}", $"--Server:HttpPort={port}").DefaultTimeout();

        Assert.Equal(UnavailableExitCode, exitCode);
        Assert.Single(output, line => line.StartsWith("Start error:", StringComparison.Ordinal) && line.Contains("Server:HttpPort", StringComparison.Ordinal));
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task PostgresThatRefusesConnections_PrintsOneLineNamingTheSettings_AndExits69WithoutAStackTrace()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now: connections are refused

        var (exitCode, output) = await ServerProcess.RunToExitAsync(
            "--Storage:Provider=Postgres", $"--ConnectionStrings:Postgres=Host=127.0.0.1;Port={port};Database=users;Username=users;Timeout=3").DefaultTimeout();

        Assert.Equal(UnavailableExitCode, exitCode);
        var error = Assert.Single(output, line => line.StartsWith("Start error:", StringComparison.Ordinal));
        Assert.Contains("ConnectionStrings:Postgres", error, StringComparison.Ordinal);
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task Help_PrintsUsageAndTheSettingsPage_AndExits0WithoutListening()
    {
        using var directory = new TempDirectory();

        var (exitCode, output) = await ServerProcess.RunToExitAsync("--help", $"--Storage:Sqlite:Path={directory.File("users.db")}").DefaultTimeout();

        Assert.Equal(0, exitCode);
        Assert.Contains(output, line => line.StartsWith("usage:", StringComparison.Ordinal));
        Assert.Contains(output, line => line.Contains("docs/configuration.md", StringComparison.Ordinal));
        Assert.DoesNotContain(output, line => line.Contains("gRPC: http", StringComparison.Ordinal));
        Assert.False(File.Exists(directory.File("users.db")), "--help must not open the database");
    }

    [Fact]
    public async Task Version_PrintsTheServerVersion_AndExits0()
    {
        var (exitCode, output) = await ServerProcess.RunToExitAsync("--version").DefaultTimeout();

        Assert.Equal(0, exitCode);
        Assert.Equal(["1.0.0"], output);
    }

    [Fact]
    public async Task Start_LogsEachEndpointWithItsBoundPort_IncludingTheConsoleUrl()
    {
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(directory.File("users.db"));

        await server.WaitForOutputAsync(line => line.Contains($"gRPC: {server.GrpcAddress.GetLeftPart(UriPartial.Authority)}", StringComparison.Ordinal)).DefaultTimeout();
        await server.WaitForOutputAsync(line => line.Contains($"Admin console: {server.HttpAddress.GetLeftPart(UriPartial.Authority)}/", StringComparison.Ordinal)).DefaultTimeout();
        await server.WaitForOutputAsync(line => line.Contains($"Health: {server.HttpAddress.GetLeftPart(UriPartial.Authority)}/healthz", StringComparison.Ordinal)).DefaultTimeout();
    }

    private static void AssertNoStackTrace(List<string> output) =>
        Assert.DoesNotContain(output, line => line.Contains("Unhandled exception", StringComparison.Ordinal) || line.StartsWith("at ", StringComparison.Ordinal));
}
