using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using UserSystem.Contracts;
using UserSystem.Server.Tests.Security;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Web;

/// <summary>
/// REST and gRPC-Web go through the same authentication, authorization and rate limiting as
/// plain gRPC, and their refusals come back as JSON with the matching HTTP status.
/// </summary>
public sealed class RestSecurityTests : IAsyncLifetime
{
    private static readonly string[] TinyBucket = ["RateLimit:BurstLimit=2", "RateLimit:TokensPerPeriod=1", "RateLimit:ReplenishmentPeriodSeconds=3600"];
    private readonly Tokens _tokens = new();
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(databasePath: null, [.. _tokens.ServerSettings, "Web:CorsOrigins:0=https://admin.example.com"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private HttpClient Http(string? token)
    {
        var http = new HttpClient { BaseAddress = _server.HttpAddress };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    private static async Task<JsonObject> ErrorAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync().DefaultTimeout();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task RestCall_WithoutAToken_Returns401WithAJsonStatus()
    {
        using var http = Http(token: null);

        using var response = await http.GetAsync(new Uri("/v1/users", UriKind.Relative)).DefaultTimeout();

        var error = await ErrorAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(16, (int?)error["code"]); // UNAUTHENTICATED
    }

    [Fact]
    public async Task RestCall_WithANonAdminTokenOnAnAdminRoute_Returns403WithAJsonStatus()
    {
        using var http = Http(_tokens.Mint("mallory", userId: 99));

        using var response = await http.PostAsJsonAsync("/v1/users", new { name = "Nope", email = Users.UniqueEmail() }).DefaultTimeout();

        var error = await ErrorAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(7, (int?)error["code"]); // PERMISSION_DENIED
        Assert.Equal(0, (await Tokens.Client(_server, _tokens.Admin()).ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout()).Total);
    }

    [Fact]
    public async Task RestCall_WithAnAdminToken_Succeeds()
    {
        using var http = Http(_tokens.Admin());

        using var response = await http.PostAsJsonAsync("/v1/users", new { name = "Allowed", email = Users.UniqueEmail() }).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GrpcWebCall_WithoutAToken_IsUnauthenticated_AndWithOne_Succeeds()
    {
        using var channel = GrpcChannel.ForAddress(_server.HttpAddress, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new HttpClientHandler()),
            HttpVersion = HttpVersion.Version11,
        });
        var anonymous = new UserService.UserServiceClient(channel);
        await RpcAssert.FailsWithAsync(Grpc.Core.StatusCode.Unauthenticated, () => anonymous.ListUsersAsync(new ListUsersRequest()).ResponseAsync);

        var headers = new Grpc.Core.Metadata { { "authorization", $"Bearer {_tokens.Admin()}" } };
        var list = await anonymous.ListUsersAsync(new ListUsersRequest(), headers).ResponseAsync.DefaultTimeout();
        Assert.Equal(0, list.Total);
    }

    [Fact]
    public async Task CorsPreflight_WithoutAToken_IsAnsweredBeforeAuthorization()
    {
        using var http = Http(token: null);
        using var request = new HttpRequestMessage(HttpMethod.Options, "/user.UserService/ListUsers");
        request.Headers.Add("Origin", "https://admin.example.com");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,x-grpc-web");

        using var response = await http.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("https://admin.example.com", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Fact]
    public async Task RestBurstOverTheRateLimit_Returns429WithRetryInfo()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, [.. tokens.ServerSettings, .. TinyBucket]);
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Admin("alice"));

        for (var i = 0; i < 2; i++)
        {
            using var ok = await http.GetAsync(new Uri("/v1/users", UriKind.Relative)).DefaultTimeout();
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await http.GetAsync(new Uri("/v1/users", UriKind.Relative)).DefaultTimeout();

        var error = await ErrorAsync(limited, (HttpStatusCode)429);
        Assert.Equal(8, (int?)error["code"]); // RESOURCE_EXHAUSTED
        Assert.Contains(error["details"]!.AsArray(), detail => (string?)detail!["@type"] == "type.googleapis.com/google.rpc.RetryInfo");
    }
}
