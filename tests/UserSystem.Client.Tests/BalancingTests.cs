using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Client.Tests;

public sealed class BalancingTests
{
    [Fact]
    public async Task TwoAddresses_RoundRobin_EachRealServerGetsCalls()
    {
        await using var first = await TestServer.StartAsync();
        await using var second = await TestServer.StartAsync();
        await using var client = new ClientTestHost(options =>
        {
            options.Addresses.Add(first.GrpcAddress);
            options.Addresses.Add(second.GrpcAddress);
        });
        await client.Get<UserSystemConnection>().Channel.ConnectAsync().DefaultTimeout();
        var users = client.Get<UserService.UserServiceClient>();

        for (var i = 0; i < 40; i++)
        {
            await users.CreateUserAsync(Users.NewRequest($"Balanced {i}")).ResponseAsync.DefaultTimeout();
        }

        var onFirst = (await first.Client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout()).Total;
        var onSecond = (await second.Client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout()).Total;
        Assert.Equal(40, onFirst + onSecond);
        Assert.True(onFirst > 0, $"the first server got no calls ({onFirst} vs {onSecond})");
        Assert.True(onSecond > 0, $"the second server got no calls ({onFirst} vs {onSecond})");
    }

    [Fact]
    public async Task OneAddress_RealServer_AnswersThroughTheLibrary()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = new ClientTestHost(options => options.Addresses.Add(server.GrpcAddress));
        var users = client.Get<UserService.UserServiceClient>();

        var created = await users.CreateUserAsync(Users.NewRequest("Single")).ResponseAsync.DefaultTimeout();
        var read = await users.GetUserAsync(new GetUserRequest { Id = created.User.Id }).ResponseAsync.DefaultTimeout();

        Assert.Equal("Single", read.Name);
    }
}
