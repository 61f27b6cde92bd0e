using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Hosting;

/// <summary>
/// Every call is logged once with its method, final status, duration and request id: a successful
/// change by its audit line, any other call by its call-finished line.
/// </summary>
public sealed class CallLoggingTests
{
    [Fact]
    public async Task FinishedCalls_AreLoggedWithMethodStatusDurationAndRequestId()
    {
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(directory.File("users.db"));
        var client = new UserService.UserServiceClient(server.Channel);

        await client.CreateUserAsync(Users.NewRequest(), new Metadata { { "x-request-id", "log-ok-1" } }).ResponseAsync.DefaultTimeout();
        await Assert.ThrowsAsync<RpcException>(() => client.GetUserAsync(new GetUserRequest { Id = 777 }, new Metadata { { "x-request-id", "log-missing-2" } }).ResponseAsync.DefaultTimeout());

        var ok = await server.WaitForOutputAsync(line => line.Contains("log-ok-1", StringComparison.Ordinal) && line.Contains("audit:", StringComparison.Ordinal)).DefaultTimeout();
        // "finished with": the failed call also writes its audit line with the same request id.
        var notFound = await server.WaitForOutputAsync(line => line.Contains("log-missing-2", StringComparison.Ordinal) && line.Contains("finished with", StringComparison.Ordinal)).DefaultTimeout();
        Assert.Matches(@"called /user\.UserService/CreateUser: OK in \d+\.\d ms \(request id log-ok-1\)", ok);
        Assert.Matches(@"gRPC /user\.UserService/GetUser finished with NotFound in \d+\.\d ms \(request id log-missing-2\)", notFound);
    }
}
