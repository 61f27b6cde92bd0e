using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Client.Tests;

public sealed class ConnectionLifetimeTests
{
    [Fact]
    public async Task Dispose_AfterCalls_ClosesTheConnections()
    {
        await using var server = await RecordingServer.StartAsync();
        var options = new UserSystemClientOptions();
        options.Addresses.Add(server.Address);
        var connection = new UserSystemConnection(options);
        await new UserService.UserServiceClient(connection.CallInvoker).GetUserAsync(new GetUserRequest { Id = 1 }).ResponseAsync.DefaultTimeout();
        Assert.Equal(1, OwnConnections.To(server.Address.Port));

        connection.Dispose();

        await Poll.UntilAsync(() => OwnConnections.To(server.Address.Port) == 0).DefaultTimeout();
    }
}
