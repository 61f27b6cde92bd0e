using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>
/// deploy/Caddyfile over real sockets, in front of a real server (<see cref="CaddyProcess"/>):
/// what only the inside needs is 404 outside, every answer carries HSTS, and a client cannot
/// choose the address its limits count against by sending its own <c>X-Forwarded-For</c>.
/// </summary>
public sealed class DeployProxyTests
{
    [Fact]
    public async Task PublicSites_Answer404ForMetricsOpenApiAndReflection_AndSendHsts()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, [.. tokens.ServerSettings, "Proxy:KnownProxies:0=127.0.0.1"]);
        await using var caddy = await CaddyProcess.StartAsync(server);
        using var http = new HttpClient(caddy.Handler()) { BaseAddress = caddy.HttpAddress };
        using var channel = GrpcChannel.ForAddress(caddy.GrpcAddress, new GrpcChannelOptions { HttpHandler = caddy.Handler() });

        using var metrics = await http.GetAsync(new Uri("/metrics", UriKind.Relative)).DefaultTimeout();
        using var openApi = await http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative)).DefaultTimeout();
        using var healthz = await http.GetAsync(new Uri("/healthz", UriKind.Relative)).DefaultTimeout();
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest()).ResponseAsync.DefaultTimeout();
        using var reflection = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await RpcAssert.FailsWithAsync(StatusCode.Unimplemented, () => reflection.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.OK), (metrics.StatusCode, openApi.StatusCode, healthz.StatusCode));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Equal(["max-age=31536000"], healthz.Headers.GetValues("Strict-Transport-Security"));
        Assert.Equal(["max-age=31536000"], metrics.Headers.GetValues("Strict-Transport-Security"));
    }

    [Fact]
    public async Task ForwardedForSentByAClient_IsReplacedByTheProxy_SoItsRefusalsShareOneBucket()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null,
            [.. tokens.ServerSettings, "Proxy:KnownProxies:0=127.0.0.1", "RateLimit:RefusalBurstLimit=3", "RateLimit:RefusalsPerPeriod=1", "RateLimit:ReplenishmentPeriodSeconds=3600"]);
        await using var caddy = await CaddyProcess.StartAsync(server);
        using var http = new HttpClient(caddy.Handler()) { BaseAddress = caddy.HttpAddress };

        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/users/1", UriKind.Relative));
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{i}");
            using var response = await http.SendAsync(request).DefaultTimeout();
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }
}
