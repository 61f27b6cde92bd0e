using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Observability;

/// <summary>
/// Only successful reads' lines are sampled (Telemetry:SuccessfulReadLogRatio); failures and every
/// change's audit line are always written.
/// </summary>
public sealed class CallLogSamplingTests
{
    [Fact]
    public async Task RatioZero_DropsSuccessfulReadLines_KeepsWriteAndFailureLines()
    {
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(directory.File("users.db"), "Telemetry:SuccessfulReadLogRatio=0");
        var client = new UserService.UserServiceClient(server.Channel);

        var created = await client.CreateUserAsync(Users.NewRequest(), new Metadata { { "x-request-id", "sample-write" } }).ResponseAsync.DefaultTimeout();
        await client.GetUserAsync(new GetUserRequest { Id = created.User.Id }, new Metadata { { "x-request-id", "sample-read-ok" } }).ResponseAsync.DefaultTimeout();
        await Assert.ThrowsAsync<RpcException>(() => client.GetUserAsync(new GetUserRequest { Id = 999_999 }, new Metadata { { "x-request-id", "sample-read-missing" } }).ResponseAsync.DefaultTimeout());

        // Lines leave in order: once the last call's audit line is out, the read's would be too.
        await server.WaitForOutputAsync(line => line.Contains("sample-read-missing", StringComparison.Ordinal) && line.Contains("audit:", StringComparison.Ordinal)).DefaultTimeout();
        await server.WaitForOutputAsync(line => line.Contains("sample-read-missing", StringComparison.Ordinal) && line.Contains("finished with NotFound", StringComparison.Ordinal)).DefaultTimeout();
        Assert.Contains(server.OutputLines, line => line.Contains("sample-write", StringComparison.Ordinal) && line.Contains("audit:", StringComparison.Ordinal));
        // A successful change's audit line is its only line.
        Assert.DoesNotContain(server.OutputLines, line => line.Contains("sample-write", StringComparison.Ordinal) && line.Contains("finished with OK", StringComparison.Ordinal));
        Assert.DoesNotContain(server.OutputLines, line => line.Contains("(request id sample-read-ok)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RatioOne_WritesSuccessfulReadLines()
    {
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(directory.File("users.db"), "Telemetry:SuccessfulReadLogRatio=1");
        var client = new UserService.UserServiceClient(server.Channel);
        var created = await client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();

        await client.GetUserAsync(new GetUserRequest { Id = created.User.Id }, new Metadata { { "x-request-id", "sample-all" } }).ResponseAsync.DefaultTimeout();

        await server.WaitForOutputAsync(line => line.Contains("(request id sample-all)", StringComparison.Ordinal) && line.Contains("finished with OK", StringComparison.Ordinal)).DefaultTimeout();
        await server.WaitForOutputAsync(line => line.Contains("(request id sample-all)", StringComparison.Ordinal) && line.Contains("audit:", StringComparison.Ordinal)).DefaultTimeout();
    }
}
