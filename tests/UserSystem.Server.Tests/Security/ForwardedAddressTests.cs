using System.Net;
using System.Net.Http.Headers;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>
/// Behind a configured proxy, refused calls are limited per client address (from
/// <c>X-Forwarded-For</c>), not per the proxy's: a flood of anonymous calls does not turn a valid
/// caller's 403, or an expired token's 401 (which a client answers by refreshing), into 429.
/// From any other peer the header is ignored, so a client cannot choose its own bucket.
/// </summary>
public sealed class ForwardedAddressTests
{
    private const int Flood = 60;

    [Fact]
    public async Task AnonymousFloodThroughAKnownProxy_LeavesOtherClientsTheir403And401()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, [.. tokens.ServerSettings, "Proxy:KnownProxies:0=127.0.0.1", "Proxy:KnownProxies:1=::1"]);
        using var http = new HttpClient { BaseAddress = server.HttpAddress };

        var flood = await Task.WhenAll(Enumerable.Range(1, Flood).Select(i => GetAsync(http, "/v1/users/1", $"203.0.113.{i}", token: null)));
        var nonAdmin = await GetAsync(http, "/v1/users:stats", "198.51.100.7", tokens.Mint("bob", userId: 1));
        var expired = await GetAsync(http, "/v1/users:stats", "198.51.100.8", ExpiredAdminToken(tokens));

        Assert.All(flood, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(HttpStatusCode.Forbidden, nonAdmin);
        Assert.Equal(HttpStatusCode.Unauthorized, expired);
    }

    [Fact]
    public async Task ForwardedHeaderFromAnUnconfiguredPeer_IsIgnored()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, [.. tokens.ServerSettings, "RateLimit:RefusalBurstLimit=3", "RateLimit:RefusalsPerPeriod=1", "RateLimit:ReplenishmentPeriodSeconds=3600"]);
        using var http = new HttpClient { BaseAddress = server.HttpAddress };

        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 5; i++)
        {
            statuses.Add(await GetAsync(http, "/v1/users/1", $"203.0.113.{i}", token: null));
        }

        // One bucket (the peer's own address) for all five, whatever each claimed to forward.
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task IPv6ClientsOfOneSlash64_ShareABucket_AndAnotherSlash64HasItsOwn()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null,
            [.. tokens.ServerSettings, "Proxy:KnownProxies:0=127.0.0.1", "Proxy:KnownProxies:1=::1", "RateLimit:RefusalBurstLimit=2", "RateLimit:RefusalsPerPeriod=1", "RateLimit:ReplenishmentPeriodSeconds=3600"]);
        using var http = new HttpClient { BaseAddress = server.HttpAddress };

        var sameNetwork = new List<HttpStatusCode>();
        foreach (var host in new[] { "2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3" })
        {
            sameNetwork.Add(await GetAsync(http, "/v1/users/1", host, token: null));
        }

        var otherNetwork = await GetAsync(http, "/v1/users/1", "2001:db8:1:3::1", token: null);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], sameNetwork);
        Assert.Equal(HttpStatusCode.Unauthorized, otherNetwork);
    }

    // Correctly signed by the server's key, but expired well past the validator's clock skew.
    private static string ExpiredAdminToken(Tokens tokens) =>
        RawTokens.Mint(tokens.SigningKey, new Dictionary<string, object> { ["sub"] = "carol", ["role"] = "admin" }, TimeSpan.FromMinutes(5), DateTime.UtcNow.AddMinutes(-20));

    private static async Task<HttpStatusCode> GetAsync(HttpClient http, string path, string forwardedFor, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request).DefaultTimeout();
        return response.StatusCode;
    }
}
