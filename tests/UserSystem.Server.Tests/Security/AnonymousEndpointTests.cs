using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>
/// Health and reflection need no token, so nobody may use them to fill the log or the server:
/// no line per call, the anonymous per-address limit, reflection in Production only when asked
/// for, and a configurable cap on connections.
/// </summary>
public sealed class AnonymousEndpointTests
{
    [Fact]
    public async Task HundredHealthChecks_WriteNoLinePerCall()
    {
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(directory.File("users.db"), "Logging:LogLevel:Default=Information");
        var health = new Health.HealthClient(server.Channel);

        for (var i = 0; i < 100; i++)
        {
            await health.CheckAsync(new HealthCheckRequest()).ResponseAsync.DefaultTimeout();
        }

        // A refused create writes its line after the checks; once it is out, theirs would be too.
        await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => new UserService.UserServiceClient(server.Channel).CreateUserAsync(new CreateUserRequest()).ResponseAsync);
        await Poll.UntilAsync(() => server.OutputLines.Any(line => line.Contains("/user.UserService/CreateUser finished with InvalidArgument", StringComparison.Ordinal))).DefaultTimeout();

        Assert.DoesNotContain(server.OutputLines, line => line.Contains("grpc.health.v1.Health", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HealthAndReflection_PastTheAddressBucket_AreResourceExhausted_WhileATokenCallerIsNot()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, [.. tokens.ServerSettings, .. RateLimitTests.TinyBucket]);
        var anonymous = Tokens.Channel(server, token: null);
        var health = new Health.HealthClient(anonymous);

        await health.CheckAsync(new HealthCheckRequest()).ResponseAsync.DefaultTimeout();
        await health.CheckAsync(new HealthCheckRequest()).ResponseAsync.DefaultTimeout();
        await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, () => health.CheckAsync(new HealthCheckRequest()).ResponseAsync);
        using var reflection = new ServerReflection.ServerReflectionClient(anonymous).ServerReflectionInfo();
        await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, () => reflection.ResponseStream.MoveNext(CancellationToken.None));
        var list = await Tokens.Client(server, tokens.Admin()).ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();

        Assert.Equal(0, list.Total);
    }

    [Fact]
    public async Task HealthWatchesPastTheStreamCap_AreResourceExhausted_ForOneAddress()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, [.. tokens.ServerSettings, "RateLimit:MaxConcurrentStreams=1"]);
        var health = new Health.HealthClient(Tokens.Channel(server, token: null));

        using var open = health.Watch(new HealthCheckRequest());
        Assert.True(await open.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        using var second = health.Watch(new HealthCheckRequest());

        await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, () => second.ResponseStream.MoveNext(CancellationToken.None));
    }

    [Fact]
    public async Task ReflectionInProduction_IsUnimplemented_UnlessConfigured()
    {
        var tokens = new Tokens();
        await using var plain = await TestServer.StartAsync(databasePath: null, ["environment=Production", .. tokens.ServerSettings]);
        await using var configured = await TestServer.StartAsync(databasePath: null, ["environment=Production", .. tokens.ServerSettings, "Server:Reflection=true"]);

        using var refused = new ServerReflection.ServerReflectionClient(plain.CreateChannel()).ServerReflectionInfo();
        await RpcAssert.FailsWithAsync(StatusCode.Unimplemented, () => refused.ResponseStream.MoveNext(CancellationToken.None));
        using var served = new ServerReflection.ServerReflectionClient(configured.CreateChannel()).ServerReflectionInfo();
        await served.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty }).DefaultTimeout();
        Assert.True(await served.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        await served.RequestStream.CompleteAsync().DefaultTimeout();

        Assert.Contains(served.ResponseStream.Current.ListServicesResponse.Service, service => service.Name == "user.UserService");
    }

    [Fact]
    public async Task ConnectionPastMaxConcurrentConnections_IsClosed_WhileTheFirstIsServed()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, "Server:MaxConcurrentConnections=1");
        using var first = new HttpClient { BaseAddress = server.HttpAddress };
        using var second = new HttpClient { BaseAddress = server.HttpAddress };

        using var held = await first.GetAsync(new Uri("/healthz", UriKind.Relative)).DefaultTimeout();
        await Assert.ThrowsAsync<HttpRequestException>(() => second.GetAsync(new Uri("/healthz", UriKind.Relative)).DefaultTimeout());
        using var again = await first.GetAsync(new Uri("/healthz", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }
}
