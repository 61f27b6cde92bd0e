using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Web;

/// <summary>gRPC-Web on the HTTP port (HTTP/1.1): unary, server streaming, error details, CORS.</summary>
public sealed class GrpcWebTests : ServerTestBase
{
    private const string AllowedOrigin = "https://admin.example.com";

    protected override string[] ServerSettings => [$"Web:CorsOrigins:0={AllowedOrigin}"];

    private UserService.UserServiceClient WebClient(GrpcWebMode mode)
    {
        var channel = GrpcChannel.ForAddress(Server.HttpAddress, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(mode, new HttpClientHandler()),
            HttpVersion = HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
        return new UserService.UserServiceClient(channel);
    }

    [Theory]
    [InlineData(GrpcWebMode.GrpcWeb)]
    [InlineData(GrpcWebMode.GrpcWebText)]
    public async Task UnaryCalls_OverHttp11_CreateAndReadAUser(GrpcWebMode mode)
    {
        var client = WebClient(mode);

        var created = await client.CreateUserAsync(Users.NewRequest("Web User")).ResponseAsync.DefaultTimeout();
        var read = await client.GetUserAsync(new GetUserRequest { Id = created.User.Id }).ResponseAsync.DefaultTimeout();

        Assert.Equal("Web User", read.Name);
        Assert.Equal(UserStatus.Active, read.Status);
    }

    [Theory]
    [InlineData(GrpcWebMode.GrpcWeb)]
    [InlineData(GrpcWebMode.GrpcWebText)]
    public async Task ServerStreaming_OverHttp11_ReturnsEveryUser(GrpcWebMode mode)
    {
        for (var i = 0; i < 3; i++)
        {
            await Client.CreateUserAsync(Users.NewRequest($"Streamed {i}")).ResponseAsync.DefaultTimeout();
        }

        using var call = WebClient(mode).StreamUsers(new StreamUsersRequest());
        var names = new List<string>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout())
        {
            names.Add(call.ResponseStream.Current.Name);
        }

        Assert.Equal(["Streamed 0", "Streamed 1", "Streamed 2"], names);
    }

    [Fact]
    public async Task InvalidCreate_OverGrpcWeb_CarriesBadRequestFieldViolations()
    {
        var client = WebClient(GrpcWebMode.GrpcWeb);

        var error = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => client.CreateUserAsync(new CreateUserRequest { Name = "", Email = "bad" }).ResponseAsync);

        Assert.Equal(["name", "email"], RpcAssert.ViolatedFields(error));
    }

    [Fact]
    public async Task Preflight_FromAConfiguredOrigin_IsAllowed()
    {
        using var response = await PreflightAsync(AllowedOrigin);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(AllowedOrigin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        var allowedHeaders = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers"));
        Assert.Contains("x-grpc-web", allowedHeaders, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Preflight_FromAnotherOrigin_IsNotAllowed()
    {
        using var response = await PreflightAsync("https://evil.example.net");

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task CrossOriginCall_ExposesTheGrpcStatusHeadersToTheBrowser()
    {
        using var http = new HttpClient { BaseAddress = Server.HttpAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/users");
        request.Headers.Add("Origin", AllowedOrigin);

        using var response = await http.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(AllowedOrigin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        var exposed = string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers"));
        Assert.Contains("grpc-status", exposed, StringComparison.Ordinal);
        Assert.Contains("grpc-status-details-bin", exposed, StringComparison.Ordinal);
        Assert.Contains("request-id", exposed, StringComparison.Ordinal);
        Assert.Contains("consistency-token", exposed, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        using var http = new HttpClient { BaseAddress = Server.HttpAddress };
        using var request = new HttpRequestMessage(HttpMethod.Options, "/user.UserService/ListUsers");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,x-grpc-web,x-user-agent");
        return await http.SendAsync(request).DefaultTimeout();
    }
}
