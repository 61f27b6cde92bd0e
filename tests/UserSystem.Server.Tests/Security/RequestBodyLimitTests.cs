using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Microsoft.Extensions.DependencyInjection;
using UserSystem.Contracts;
using UserSystem.Server.Hosting;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>REST and gRPC-Web bodies are capped by Limits:MaxReceiveMessageBytes before they are parsed.</summary>
public sealed class RequestBodyLimitTests : ServerTestBase
{
    private const int MaxBytes = 64 * 1024;

    protected override string[] ServerSettings => [$"Limits:MaxReceiveMessageBytes={MaxBytes}"];

    [Fact]
    public async Task RestBody_LargerThanTheLimit_Is413ResourceExhausted_AndCreatesNothing()
    {
        using var http = new HttpClient { BaseAddress = Server.HttpAddress };
        using var content = new StringContent(OversizedUserJson(), Encoding.UTF8, "application/json");

        using var response = await http.PostAsync(new Uri("/v1/users", UriKind.Relative), content).DefaultTimeout();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout())!;
        Assert.Equal(8, (int)body["code"]!);
        Assert.Equal(0, await CountUsersAsync());
    }

    [Fact]
    public async Task RestBody_WithoutALength_IsCutOffAtTheLimit()
    {
        using var http = new HttpClient { BaseAddress = Server.HttpAddress };
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(OversizedUserJson())));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/users") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await http.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await CountUsersAsync());
    }

    [Fact]
    public async Task RestBody_WithinTheLimit_IsServed()
    {
        using var http = new HttpClient { BaseAddress = Server.HttpAddress };
        using var content = new StringContent($$"""{"name":"Small","email":"{{Users.UniqueEmail()}}","age":30}""", Encoding.UTF8, "application/json");

        using var response = await http.PostAsync(new Uri("/v1/users", UriKind.Relative), content).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(GrpcWebMode.GrpcWeb)]
    [InlineData(GrpcWebMode.GrpcWebText)]
    public async Task GrpcWebBody_LargerThanTheLimit_IsResourceExhausted(GrpcWebMode mode)
    {
        using var channel = GrpcChannel.ForAddress(Server.HttpAddress, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(mode, new HttpClientHandler()),
            HttpVersion = HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
        var client = new UserService.UserServiceClient(channel);

        await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, () => client.CreateUserAsync(Users.NewRequest(new string('x', MaxBytes * 2))).ResponseAsync);
        Assert.Equal(0, await CountUsersAsync());
    }

    private static string OversizedUserJson() =>
        $$"""{"name":"{{new string('x', MaxBytes * 4)}}","email":"{{Users.UniqueEmail()}}","age":30}""";
}

/// <summary>Anonymous health probes share a briefly cached result instead of each querying the store.</summary>
public sealed class HealthCacheTests : ServerTestBase
{
    [Fact]
    public async Task ManyProbes_QueryTheStoreOncePerCacheWindow()
    {
        using var http = new HttpClient { BaseAddress = Server.HttpAddress };
        var health = new Health.HealthClient(Server.CreateChannel());
        var check = Server.Services.GetRequiredService<CachedStorageHealthCheck>();
        var before = check.Checks;
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("Healthy", await http.GetStringAsync(new Uri("/healthz", UriKind.Relative)).DefaultTimeout());
            var reply = await health.CheckAsync(new HealthCheckRequest()).ResponseAsync.DefaultTimeout();
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
        }

        // 40 probes; at most one real check per cache window they spanned (plus one the
        // background health publisher may run meanwhile).
        var windows = (long)Math.Ceiling(clock.Elapsed / CachedStorageHealthCheck.CacheDuration);
        Assert.InRange(check.Checks - before, 0, windows + 2);
    }
}
