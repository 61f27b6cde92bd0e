using Grpc.Core;
using UserSystem.Testing;
using Seed = User;

namespace UserSystem.Server.Tests.Rpc;

/// <summary>A client generated from the seed tutorial's own user.proto, not ours, drives all six RPCs.</summary>
public sealed class SeedContractCompatibilityTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private Seed.UserService.UserServiceClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _client = new Seed.UserService.UserServiceClient(_server.CreateChannel());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SeedClient_AllSixRpcs_Succeed()
    {
        var created = await _client.CreateUserAsync(SeedRequest("Alice", 31, "chess")).ResponseAsync.DefaultTimeout();
        Assert.Equal("user created successfully", created.Message);
        Assert.True(created.User.Id > 0);
        Assert.Equal(Seed.UserStatus.Active, created.User.Status);
        Assert.Equal(["chess"], created.User.Hobbies);

        var fetched = await _client.GetUserAsync(new Seed.GetUserRequest { Id = created.User.Id }).ResponseAsync.DefaultTimeout();
        Assert.Equal(created.User, fetched);

        using (var batch = _client.CreateBatchUsers())
        {
            await batch.RequestStream.WriteAsync(SeedRequest("Bob", 40)).DefaultTimeout();
            await batch.RequestStream.WriteAsync(SeedRequest("Carol", 22)).DefaultTimeout();
            await batch.RequestStream.CompleteAsync().DefaultTimeout();
            var batchResponse = await batch.ResponseAsync.DefaultTimeout();
            Assert.Equal("2 users created", batchResponse.Message);
        }

        using (var chat = _client.ChatWithUsers())
        {
            await chat.RequestStream.WriteAsync(SeedRequest("Dave", 50)).DefaultTimeout();
            Assert.True(await chat.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
            Assert.Equal("Dave", chat.ResponseStream.Current.Name);
            await chat.RequestStream.CompleteAsync().DefaultTimeout();
            Assert.False(await chat.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        }

        var list = await _client.ListUsersAsync(new Seed.ListUsersRequest { Page = 0, Limit = 10 }).ResponseAsync.DefaultTimeout();
        Assert.Equal(4, list.Total);
        Assert.Equal(["Alice", "Bob", "Carol", "Dave"], list.Users.Select(user => user.Name));

        using var stream = _client.StreamUsers(new Seed.StreamUsersRequest { DelaySeconds = 0 });
        var streamed = await stream.ResponseStream.ReadAllAsync().Select(user => user.Name).ToListAsync().AsTask().DefaultTimeout();
        Assert.Equal(["Alice", "Bob", "Carol", "Dave"], streamed);
    }

    [Fact]
    public async Task SeedClient_SeedErrorCodes_AreReturned()
    {
        await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => _client.CreateUserAsync(new Seed.CreateUserRequest { Name = "No Email" }).ResponseAsync);
        await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => _client.GetUserAsync(new Seed.GetUserRequest { Id = 0 }).ResponseAsync);
        await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => _client.GetUserAsync(new Seed.GetUserRequest { Id = 999_999 }).ResponseAsync);
    }

    private static Seed.CreateUserRequest SeedRequest(string name, int age, params string[] hobbies) => new()
    {
        Name = name,
        Email = Users.UniqueEmail(name.ToLowerInvariant()),
        Age = age,
        Hobbies = { hobbies },
    };
}
