using System.Net.Sockets;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Client.Tests;

/// <summary>
/// CreateUser through the client library against the real server: the library stamps a
/// request_id once per call, so its own retry of a create whose answer was lost answers the
/// user the first attempt created.
/// </summary>
public sealed class RequestIdTests
{
    [Fact]
    public async Task CreateUser_FirstAnswerLostAfterCommit_RetryAnswersTheSameUser()
    {
        var loser = new FirstCreateAnswerLoser();
        await using var server = await TestServer.StartAsync(
            builder => builder.Services.Configure<GrpcServiceOptions>(grpc => grpc.Interceptors.Add<LoseFirstCreateAnswerInterceptor>(loser)),
            databasePath: null);
        await using var client = new ClientTestHost(options => options.Addresses.Add(server.GrpcAddress));
        var request = Users.NewRequest("Answer Lost");

        var response = await client.Get<UserService.UserServiceClient>().CreateUserAsync(request).ResponseAsync.DefaultTimeout();

        Assert.Equal(2, loser.Attempts);
        Assert.Equal(request.Email, response.User.Email);
        Assert.Empty(request.RequestId);
        var list = await server.Client.ListUsersAsync(new ListUsersRequest { Limit = 10 }).ResponseAsync.DefaultTimeout();
        Assert.Equal(response.User.Id, Assert.Single(list.Users).Id);
    }

    [Fact]
    public async Task CreateUser_CallerSetRequestId_IsKept()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = new ClientTestHost(options => options.Addresses.Add(server.GrpcAddress));
        var request = Users.NewRequest("Own Id");
        request.RequestId = "caller-chosen-" + Guid.NewGuid();

        var first = await client.Get<UserService.UserServiceClient>().CreateUserAsync(request).ResponseAsync.DefaultTimeout();
        // The same id sent without the library: only a server that stored the caller's id replays it.
        var replay = await server.Client.CreateUserAsync(request).ResponseAsync.DefaultTimeout();

        Assert.Equal(first.User.Id, replay.User.Id);
    }

    [Fact]
    public async Task CreateUser_TwoCallsWithoutRequestId_CreateTwoUsers()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = new ClientTestHost(options => options.Addresses.Add(server.GrpcAddress));
        var users = client.Get<UserService.UserServiceClient>();

        // Each logical call gets its own id: two creates are two users, never a replay of the first.
        var first = await users.CreateUserAsync(Users.NewRequest("First")).ResponseAsync.DefaultTimeout();
        var second = await users.CreateUserAsync(Users.NewRequest("Second")).ResponseAsync.DefaultTimeout();

        Assert.NotEqual(first.User.Id, second.User.Id);
    }

    /// <summary>Counts CreateUser attempts; the first one's connection is reset once its user is stored.</summary>
    private sealed class FirstCreateAnswerLoser
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public bool IsFirst() => Interlocked.Increment(ref _attempts) == 1;
    }

    /// <summary>
    /// Lets the first CreateUser commit, then resets its TCP connection before the answer leaves:
    /// the client sees the connection break (UNAVAILABLE), as when a network path fails after a commit.
    /// </summary>
    private sealed class LoseFirstCreateAnswerInterceptor(FirstCreateAnswerLoser loser) : Interceptor
    {
        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            var response = await continuation(request, context);
            if (request is CreateUserRequest && loser.IsFirst())
            {
                var socket = context.GetHttpContext().Features.GetRequiredFeature<IConnectionSocketFeature>().Socket;
                socket.LingerState = new LingerOption(enable: true, seconds: 0);
                socket.Close();
                throw new RpcException(new Status(StatusCode.Cancelled, "The test reset the connection; this answer never leaves."));
            }

            return response;
        }
    }
}
