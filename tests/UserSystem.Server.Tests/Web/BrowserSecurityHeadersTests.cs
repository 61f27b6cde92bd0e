using System.Net;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Web;

/// <summary>The console and every HTTP-port answer carry CSP (no framing), nosniff and a referrer policy.</summary>
public sealed class BrowserSecurityHeadersTests : RestTestBase
{
    [Theory]
    [InlineData("/")]
    [InlineData("/console.js")]
    [InlineData("/v1/users")]
    [InlineData("/v1/users/999")]
    [InlineData("/healthz")]
    [InlineData("/no-such-page")]
    public async Task HttpPort_EveryAnswer_CarriesTheBrowserSecurityHeaders(string path)
    {
        using var response = await GetAsync(path);

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task PlainGrpcAnswer_SkipsTheWebMiddleware_ButCarriesItsRequestId()
    {
        var created = await Client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();
        using var call = Client.GetUserAsync(new GetUserRequest { Id = created.User.Id });
        var headers = await call.ResponseHeadersAsync.DefaultTimeout();
        await call.ResponseAsync.DefaultTimeout();

        Assert.Null(headers.Get("content-security-policy"));
        Assert.Null(headers.Get("x-content-type-options"));
        Assert.NotNull(headers.Get("request-id"));
    }

    [Fact]
    public async Task ConsolePage_LoadsOnlyItsOwnFiles_SoTheCspAllowsIt()
    {
        using var response = await GetAsync("/");
        var html = await response.Content.ReadAsStringAsync().DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // 'self' only: an inline <script> or style attribute would be blocked by the policy.
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
    }
}
