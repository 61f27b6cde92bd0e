using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>
/// Calls refused by authentication are limited per peer address: past the bucket they are
/// RESOURCE_EXHAUSTED (REST 429) and write no log line each; callers with a valid token are unaffected.
/// </summary>
public sealed class AuthRefusalLimitTests
{
    private const int Burst = 3;

    [Fact]
    public async Task BadTokens_PastTheRefusalBurst_AreResourceExhausted_AndNotLoggedOneByOne()
    {
        var tokens = new Tokens();
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(directory.File("users.db"),
            [.. tokens.ServerSettings, "RateLimit:RefusalsPerPeriod=1", $"RateLimit:RefusalBurstLimit={Burst}", "RateLimit:ReplenishmentPeriodSeconds=600"]);
        using var badChannel = GrpcChannel.ForAddress(server.GrpcAddress, Tokens.WithToken("not-a-token"));
        var bad = new UserService.UserServiceClient(badChannel);

        var codes = new List<StatusCode>();
        for (var i = 0; i < 20; i++)
        {
            codes.Add((await Assert.ThrowsAsync<RpcException>(() => bad.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout())).StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(StatusCode.Unauthenticated, Burst).Concat(Enumerable.Repeat(StatusCode.ResourceExhausted, 20 - Burst)), codes);
        using var goodChannel = GrpcChannel.ForAddress(server.GrpcAddress, Tokens.WithToken(tokens.Admin()));
        var list = await new UserService.UserServiceClient(goodChannel).ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal(0, list.Total);

        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        using var rest = await http.GetAsync(new Uri("/v1/users", UriKind.Relative)).DefaultTimeout();
        Assert.Equal(HttpStatusCode.TooManyRequests, rest.StatusCode);
        Assert.NotNull(rest.Headers.RetryAfter);

        // Only the refusals within the burst were logged, one line each.
        Assert.Equal(Burst, server.OutputLines.Count(line => line.Contains("refused /user.UserService/ListUsers", StringComparison.Ordinal)));
    }
}
