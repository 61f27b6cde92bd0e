using UserSystem.Contracts;
using UserSystem.Server.Security;
using UserSystem.Server.Tests.Security;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Web;

/// <summary>
/// The console's sign-in panel in Chromium against a server that requires JWTs
/// (web/e2e/console-auth.spec.mjs): signed out, expired, non-admin and admin tokens, and sign out.
/// </summary>
public sealed class ConsoleAuthBrowserTests
{
    [Fact]
    public async Task SignInPanel_ShowsSubjectRolesAndExpiry_PointsAtItOnRefusals_AndSignsOut()
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "/usr/bin/chromium is missing: run scripts/test.sh (scripts/setup installs it).");
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, tokens.ServerSettings);
        var screenshot = Path.Combine(NodeScript.RepositoryRoot, "TestResults", "console", "console-auth.png");
        // Signed correctly but issued an hour ago for five minutes: the server refuses it as expired.
        var expired = DevTokenMinter.Mint(
            new JwtAuthOptions { SigningKey = tokens.SigningKey },
            new DevTokenRequest("expired-admin", null, null, [CallerClaims.AdminRole], TimeSpan.FromMinutes(5)),
            DateTime.UtcNow.AddHours(-1));

        using var browser = NodeScript.Start(
            "e2e/console-auth.spec.mjs", server.HttpAddress.ToString(), tokens.Admin("console-admin"), expired, tokens.Mint("console-viewer"), screenshot);
        var exitCode = await browser.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(exitCode == 0, browser.Output);
        Assert.Contains("passed", browser.Output, StringComparison.Ordinal);
        var list = await Tokens.Client(server, tokens.Admin()).ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal("Token Holder", Assert.Single(list.Users).Name);
    }
}
