using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Web;

/// <summary>
/// REST calls run through the same gRPC pipeline: request metadata, logging and error mapping;
/// and each surface answers only on its own port.
/// </summary>
public sealed class RestPipelineTests : RestTestBase
{
    [Fact]
    public async Task RestCall_AnswersWithRequestIdAndServerVersionHeaders()
    {
        using var response = await GetAsync("/v1/users");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(response.Headers.GetValues("request-id")));
        Assert.Equal("1.0.0", Assert.Single(response.Headers.GetValues("server-version")));
    }

    [Fact]
    public async Task RestCall_WithCallerRequestId_EchoesIt()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/users/77");
        request.Headers.Add("x-request-id", "rest-trace-1");

        using var response = await Http.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("rest-trace-1", Assert.Single(response.Headers.GetValues("request-id")));
    }

    [Fact]
    public async Task RestRoute_OnTheGrpcPort_Returns404()
    {
        // The gRPC port speaks HTTP/2 only (h2c), so ask over HTTP/2 with prior knowledge.
        using var http = new HttpClient { BaseAddress = Server.GrpcAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/users")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var response = await http.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        // Plain gRPC on the same port is untouched.
        var list = await Client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal(0, list.Total);
    }

    [Fact]
    public async Task PlainGrpc_OnTheHttpPort_Fails()
    {
        using var channel = GrpcChannel.ForAddress(Server.HttpAddress);
        var client = new UserService.UserServiceClient(channel);

        await Assert.ThrowsAsync<RpcException>(() => client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout());
    }
}
