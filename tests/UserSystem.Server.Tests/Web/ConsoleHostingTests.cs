using System.Net;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Web;

/// <summary>The admin console is served from the server's assembly at <c>/</c> on the HTTP port.</summary>
public sealed class ConsoleHostingTests : RestTestBase
{
    [Fact]
    public async Task Root_ServesTheConsolePage()
    {
        using var response = await GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync().DefaultTimeout();
        Assert.Contains("<script type=\"module\" src=\"console.js\"></script>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/console.js", "text/javascript")]
    [InlineData("/console.css", "text/css")]
    public async Task Assets_AreServedWithTheirContentTypeAndRevalidated(string path, string mediaType)
    {
        using var response = await GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoCache);
        Assert.NotNull(response.Headers.ETag);
    }
}

/// <summary><c>Web:Console=false</c> turns the console off; the APIs stay.</summary>
public sealed class ConsoleDisabledTests : RestTestBase
{
    protected override string[] ServerSettings => ["Web:Console=false"];

    [Fact]
    public async Task Root_WithTheConsoleOff_Returns404()
    {
        using var response = await GetAsync("/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var api = await GetAsync("/v1/users");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }
}
