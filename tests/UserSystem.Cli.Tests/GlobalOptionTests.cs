using System.Net;
using System.Net.Sockets;
using UserSystem.Cli.Hosting;
using UserSystem.Testing;

namespace UserSystem.Cli.Tests;

/// <summary>Global options and environment variables; the tests create no users they read back, so they share one server.</summary>
public sealed class GlobalOptionTests(SharedServer shared) : SharedServerTest(shared)
{
    [Fact]
    public async Task Health_ServingServer_PrintsServingAndExitsZero()
    {
        var result = await RunAsync("health");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("SERVING", Assert.Single(result.OutLines));
    }

    [Fact]
    public async Task Health_UserServiceInJson_PrintsStatusField()
    {
        var result = await RunAsync("health", "--service", "user.UserService", "--output", "json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("\"status\": \"SERVING\"", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Address_FromEnvironment_IsUsedWhenOptionMissing()
    {
        var environment = new Dictionary<string, string> { ["USERS_ADDRESS"] = $"{Server.GrpcAddress.Host}:{Server.GrpcAddress.Port}", ["USERS_OUTPUT"] = "json" };

        var result = await CliRun.RunAsync(["health"], input: null, environment);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("SERVING", result.Out, StringComparison.Ordinal);
        Assert.StartsWith("{", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Address_NothingListening_ExitsUnavailableWithOneLine()
    {
        var result = await CliRun.RunAsync(["--address", $"http://127.0.0.1:{ClosedPort()}", "get", "1"], input: null, environment: null);

        Assert.Equal(ExitCodes.Unavailable, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: UNAVAILABLE: ", line, StringComparison.Ordinal);
        Assert.Contains("is the server running at", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Address_Several_CallsSucceedThroughTheBalancer()
    {
        await using var second = await TestServer.StartAsync();
        var before = (await Server.Client.ListUsersAsync(new()).ResponseAsync.DefaultTimeout()).Total;
        string[] args = ["--address", $"{Server.GrpcAddress},{second.GrpcAddress}", "create", "--name", "N", "--email", "x@example.com"];

        for (var i = 0; i < 6; i++)
        {
            args[^1] = $"user{i}@example.com";
            Assert.Equal(ExitCodes.Success, (await CliRun.RunAsync(args, input: null, environment: null)).ExitCode);
        }

        // Which server takes each run is the balancer's choice (the client library tests assert the spread); here every call lands somewhere.
        var first = await Server.Client.ListUsersAsync(new()).ResponseAsync.DefaultTimeout();
        var other = await second.Client.ListUsersAsync(new()).ResponseAsync.DefaultTimeout();
        // The first server is shared by the class: count what this test added to it.
        Assert.Equal(6, first.Total - before + other.Total);
    }

    [Fact]
    public async Task Token_FromEnvironmentOverPlaintext_IsSentAndTheCallSucceeds()
    {
        var environment = new Dictionary<string, string> { ["USERS_TOKEN"] = "dev-token" };

        var result = await CliRun.RunAsync(["--address", Server.GrpcAddress.ToString(), "--verbose", "get", "999999"], input: null, environment);

        // The server has no authentication, so the call reaches it and answers NOT_FOUND (no user has that id): the token did not stop the call.
        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.Contains(result.ErrorLines, line => line.Contains("/user.UserService/GetUser failed with NotFound", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CaFileWithPlaintextAddress_ExitsUsage()
    {
        var ca = Path.GetTempFileName();
        try
        {
            var result = await RunAsync("--ca", ca, "health");

            Assert.Equal(ExitCodes.Usage, result.ExitCode);
            Assert.Contains("https://", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(ca);
        }
    }

    [Fact]
    public async Task Timeout_NotPositive_ExitsUsage()
    {
        var result = await RunAsync("--timeout", "0", "health");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--timeout", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCertificateWithoutKey_ExitsUsageNamingTheSetting()
    {
        var result = await RunAsync("--cert", "/nonexistent/client.pem", "health");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("ClientKeyPath", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verbose_LogsEachCallToStandardError_AndNotGrpcDotnetsOwnDebugLines()
    {
        var result = await RunAsync("--verbose", "health");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        // One line for the one call: grpc-dotnet's resolver, balancer and HTTP/2 lines (about 25) stay out.
        Assert.Contains("/grpc.health.v1.Health/Check finished with OK", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_ExitsUsage()
    {
        var result = await RunAsync("frobnicate");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("frobnicate", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsEveryCommandAndGlobalOption()
    {
        var result = await RunAsync("--help");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        foreach (var word in new[] { "create", "get", "list", "stream", "import", "export", "chat", "health", "--address", "--token", "--ca", "--cert", "--key", "--output", "--timeout", "USERS_ADDRESS", "USERS_TOKEN" })
        {
            Assert.Contains(word, result.Out, StringComparison.Ordinal);
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
