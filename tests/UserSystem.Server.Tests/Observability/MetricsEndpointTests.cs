using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Observability;

/// <summary>
/// <c>/metrics</c> on the HTTP port, scraped from the server running as its own process: a
/// meter listener sees every meter of its name in a process, so in-process servers of other
/// tests would blur the figures.
/// </summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Scrape_AfterCalls_HasTheRpcHistogramByMethodAndStatus_AndTheServiceCounters()
    {
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(directory.File("users.db"));
        var client = new UserService.UserServiceClient(server.Channel);
        var created = await client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();
        await client.GetUserAsync(new GetUserRequest { Id = created.User.Id }).ResponseAsync.DefaultTimeout();
        await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => client.GetUserAsync(new GetUserRequest { Id = 999_999 }).ResponseAsync);

        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative)).DefaultTimeout();
        var text = await response.Content.ReadAsStringAsync().DefaultTimeout();
        var lines = text.Split('\n');

        Assert.True(response.IsSuccessStatusCode, text);
        Assert.Contains("# TYPE rpc_server_call_duration_seconds histogram", lines);
        Assert.Equal(1, CountOf(lines, "rpc_server_call_duration_seconds_count", "rpc_method=\"GetUser\"", "rpc_grpc_status_code=\"0\"", "rpc_service=\"user.UserService\"", "rpc_system=\"grpc\""));
        Assert.Equal(1, CountOf(lines, "rpc_server_call_duration_seconds_count", "rpc_method=\"GetUser\"", "rpc_grpc_status_code=\"5\""));
        Assert.Equal(1, CountOf(lines, "rpc_server_call_duration_seconds_count", "rpc_method=\"CreateUser\"", "rpc_grpc_status_code=\"0\""));
        Assert.Equal(1, CountOf(lines, "user_system_users_created_total"));
        Assert.Contains(lines, line => line.StartsWith("rpc_server_active_calls", StringComparison.Ordinal));
        // ASP.NET Core and runtime meters ride along.
        Assert.Contains(lines, line => line.StartsWith("http_server_request_duration_seconds", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("dotnet_gc_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UsersCreated_CountsEveryUserOfEachCreatingRpc_AndNothingForARefusedOne()
    {
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(directory.File("users.db"));
        var client = new UserService.UserServiceClient(server.Channel);
        var first = Users.NewRequest();
        await client.CreateUserAsync(first).ResponseAsync.DefaultTimeout();
        await RpcAssert.FailsWithAsync(StatusCode.AlreadyExists, () => client.CreateUserAsync(Users.NewRequest(email: first.Email)).ResponseAsync);
        using (var batch = client.CreateBatchUsers())
        {
            await batch.RequestStream.WriteAsync(Users.NewRequest()).DefaultTimeout();
            await batch.RequestStream.WriteAsync(Users.NewRequest()).DefaultTimeout();
            await batch.RequestStream.CompleteAsync().DefaultTimeout();
            Assert.Equal(2, (await batch.ResponseAsync.DefaultTimeout()).CreatedCount);
        }

        using (var chat = client.ChatWithUsers())
        {
            await chat.RequestStream.WriteAsync(Users.NewRequest()).DefaultTimeout();
            await chat.RequestStream.WriteAsync(Users.NewRequest()).DefaultTimeout();
            await chat.RequestStream.CompleteAsync().DefaultTimeout();
            while (await chat.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout())
            {
            }
        }

        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        var lines = (await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)).DefaultTimeout()).Split('\n');

        Assert.Equal(5, CountOf(lines, "user_system_users_created_total"));
    }

    [Fact]
    public async Task RateLimitRejections_AreCounted()
    {
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(
            directory.File("users.db"), "RateLimit:BurstLimit=1", "RateLimit:TokensPerPeriod=1", "RateLimit:ReplenishmentPeriodSeconds=3600");
        var client = new UserService.UserServiceClient(server.Channel);
        await client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, () => client.ListUsersAsync(new ListUsersRequest()).ResponseAsync);

        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        var lines = (await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)).DefaultTimeout()).Split('\n');

        Assert.Equal(1, CountOf(lines, "user_system_rate_limit_rejections_total", "rpc_method=\"ListUsers\"", "limit=\"rate\""));
        Assert.Equal(1, CountOf(lines, "rpc_server_call_duration_seconds_count", "rpc_method=\"ListUsers\"", "rpc_grpc_status_code=\"8\""));
    }

    [Fact]
    public async Task Scrape_KeepsTheAspNetCoreMetersOperatorsUse_ButNotTheMemoryPoolOrRoutingMatches()
    {
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(directory.File("users.db"));
        var client = new UserService.UserServiceClient(server.Channel);
        await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => client.GetUserAsync(new GetUserRequest { Id = 999_999 }).ResponseAsync);

        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        var lines = (await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)).DefaultTimeout()).Split('\n');

        Assert.Contains(lines, line => line.StartsWith("kestrel_active_connections", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("aspnetcore_authorization_attempts_total", StringComparison.Ordinal));
        // Recorded on every request (each buffer rented, each route matched), so dropped (ObservabilityExtensions).
        Assert.DoesNotContain(lines, line => line.StartsWith("aspnetcore_memory_pool_", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.StartsWith("aspnetcore_routing_match_attempts", StringComparison.Ordinal));
    }

    // The sample value of the one series whose line starts with the metric name and has every label.
    private static double CountOf(string[] lines, string metric, params string[] labels)
    {
        var series = lines.Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal))
            .Where(line => labels.All(label => line.Contains(label, StringComparison.Ordinal)))
            .ToArray();
        Assert.True(series.Length == 1, $"expected one series {metric} with {string.Join(", ", labels)}; found: {string.Join(" | ", series)}");
        var value = series[0].Split(' ')[1];
        return double.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
