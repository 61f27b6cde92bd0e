using UserSystem.Contracts;
using UserSystem.Server.Tests.Security;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Web;

/// <summary>The console in Chromium against a server that requires JWTs (web/e2e/console-auth.spec.mjs).</summary>
public sealed class ConsoleAuthBrowserTests
{
    [Fact]
    public async Task Console_WithoutAToken_SaysUnauthenticated_AndWithAnAdminToken_Works()
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "/usr/bin/chromium is missing: run scripts/test.sh (scripts/setup installs it).");
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, tokens.ServerSettings);
        var screenshot = Path.Combine(NodeScript.RepositoryRoot, "TestResults", "console", "console-auth.png");

        using var browser = NodeScript.Start("e2e/console-auth.spec.mjs", server.HttpAddress.ToString(), tokens.Admin("console-admin"), screenshot);
        var exitCode = await browser.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(exitCode == 0, browser.Output);
        var list = await Tokens.Client(server, tokens.Admin()).ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal("Token Holder", Assert.Single(list.Users).Name);
    }
}
