using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>
/// Per-caller limits with a bucket of 2 that refills once an hour, so the outcome of a burst does
/// not depend on timing: the third call is always over.
/// </summary>
public sealed class RateLimitTests
{
    internal static readonly string[] TinyBucket = ["RateLimit:BurstLimit=2", "RateLimit:TokensPerPeriod=1", "RateLimit:ReplenishmentPeriodSeconds=3600"];

    [Fact]
    public async Task BurstOverTheLimit_IsResourceExhaustedWithRetryInfo_WhileAnotherCallerIsUnaffected()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, [.. tokens.ServerSettings, .. TinyBucket]);
        var alice = Tokens.Client(server, tokens.Admin("alice"));
        var bob = Tokens.Client(server, tokens.Admin("bob"));

        await alice.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        await alice.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        var exception = await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, () => alice.ListUsersAsync(new ListUsersRequest()).ResponseAsync);
        var bobsList = await bob.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();

        var retryInfo = exception.GetRpcStatus()?.GetDetail<RetryInfo>();
        Assert.NotNull(retryInfo);
        Assert.True(retryInfo.RetryDelay.ToTimeSpan() > TimeSpan.Zero);
        var retryAfter = exception.Trailers.GetValue("retry-after");
        Assert.NotNull(retryAfter);
        Assert.True(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Contains("Rate limit exceeded", exception.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, bobsList.Total);
    }

    [Fact]
    public async Task OverTheLimit_TheRequestIsRefusedBeforeItIsParsed()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, [.. tokens.ServerSettings, .. TinyBucket]);
        var alice = Tokens.Client(server, tokens.Admin("alice"));
        await alice.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        await alice.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();

        // A body that does not parse: let in, it would be INVALID_ARGUMENT (Hosting/WireInputTests).
        var raw = Marshallers.Create<byte[]>(bytes => bytes, bytes => bytes);
        var getUser = new Method<byte[], byte[]>(MethodType.Unary, "user.UserService", "GetUser", raw, raw);
        var headers = new Metadata { { "authorization", "Bearer " + tokens.Admin("alice") } };
        var invoker = server.CreateChannel().CreateCallInvoker();

        var exception = await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted,
            () => invoker.AsyncUnaryCall(getUser, null, new CallOptions(headers), [0x0A, 0x05, 0x41]).ResponseAsync);

        Assert.Contains("Rate limit exceeded", exception.Status.Detail, StringComparison.Ordinal);
        Assert.NotNull(exception.GetRpcStatus()?.GetDetail<RetryInfo>());
    }

    [Fact]
    public async Task RestOverTheLimit_Is429WithRetryAfterAndTheStatusAsJson()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, [.. tokens.ServerSettings, .. TinyBucket]);
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens.Admin("alice"));

        (await http.GetAsync(new Uri("/v1/users", UriKind.Relative)).DefaultTimeout()).EnsureSuccessStatusCode();
        (await http.GetAsync(new Uri("/v1/users", UriKind.Relative)).DefaultTimeout()).EnsureSuccessStatusCode();
        using var refused = await http.GetAsync(new Uri("/v1/users", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        using var body = System.Text.Json.JsonDocument.Parse(await refused.Content.ReadAsStringAsync().DefaultTimeout());
        Assert.Equal((int)Code.ResourceExhausted, body.RootElement.GetProperty("code").GetInt32());
        Assert.Contains("Rate limit exceeded", body.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("type.googleapis.com/google.rpc.RetryInfo", body.RootElement.GetProperty("details")[0].GetProperty("@type").GetString());
    }

    [Fact]
    public async Task WithoutAuthentication_CallersArePartitionedByPeerAddress()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, TinyBucket);
        // Two channels are two connections from the same address: one bucket.
        var first = new UserService.UserServiceClient(server.CreateChannel());
        var second = new UserService.UserServiceClient(server.CreateChannel());

        await first.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        await second.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();

        await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, () => first.ListUsersAsync(new ListUsersRequest()).ResponseAsync);
    }

    [Fact]
    public async Task HealthChecks_AreNotRefusedBecauseTheCallerIsBusy()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, TinyBucket);
        var client = new UserService.UserServiceClient(server.CreateChannel());
        var health = new Health.HealthClient(server.CreateChannel());
        await client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        await client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, () => client.ListUsersAsync(new ListUsersRequest()).ResponseAsync);

        // Health has the address's anonymous bucket (AnonymousEndpointTests), not the busy caller's.
        for (var i = 0; i < 2; i++)
        {
            var response = await health.CheckAsync(new HealthCheckRequest()).ResponseAsync.DefaultTimeout();
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
        }
    }

    [Fact]
    public async Task StreamsOverTheConcurrentLimit_AreResourceExhausted_WhileAnotherCallerMayStream()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, [.. tokens.ServerSettings, "RateLimit:MaxConcurrentStreams=1"]);
        var alice = Tokens.Client(server, tokens.Admin("alice"));
        var bob = Tokens.Client(server, tokens.Admin("bob"));
        await alice.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();
        await alice.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();

        // The delay keeps the first stream open after its first message.
        using var open = alice.StreamUsers(new StreamUsersRequest { DelaySeconds = 10 });
        Assert.True(await open.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        using var second = alice.StreamUsers(new StreamUsersRequest());
        var exception = await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, () => second.ResponseStream.MoveNext(CancellationToken.None));
        using var bobs = bob.StreamUsers(new StreamUsersRequest());
        var bobStreamed = 0;
        while (await bobs.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout())
        {
            bobStreamed++;
        }

        Assert.Contains("RateLimit:MaxConcurrentStreams", exception.Status.Detail, StringComparison.Ordinal);
        Assert.NotNull(exception.GetRpcStatus()?.GetDetail<RetryInfo>());
        Assert.Equal(2, bobStreamed);
    }
}
