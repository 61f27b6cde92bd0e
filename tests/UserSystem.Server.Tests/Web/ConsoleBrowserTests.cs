using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Web;

/// <summary>
/// The console in a real browser (Debian's Chromium via playwright-core, web/e2e/console.spec.mjs)
/// against a real server at 1400x900: create (Age empty and required), list, search, edit,
/// suspend/activate, delete through the in-page confirmation, field violations, a change made over
/// gRPC appearing live, the overview panel matching GetUserStats as it changes, and emails and
/// times kept on one line.
/// The screenshots land in TestResults/console/ for CI to keep.
/// </summary>
public sealed class ConsoleBrowserTests : ServerTestBase
{
    [Fact]
    public async Task Console_CreatesEditsSuspendsDeletesAndShowsLiveGrpcChanges_InChromium()
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "/usr/bin/chromium is missing: run scripts/test.sh (scripts/setup installs it).");
        var screenshot = Path.Combine(NodeScript.RepositoryRoot, "TestResults", "console", "console.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        File.Delete(screenshot.Replace(".png", "-overview-365.png", StringComparison.Ordinal));
        using var browser = NodeScript.Start("e2e/console.spec.mjs", Server.HttpAddress.ToString(), screenshot);

        // The script asks for a change through another client; make it over plain gRPC.
        var request = await browser.WaitForLineAsync(line => line.StartsWith("grpc-change ", StringComparison.Ordinal))
            .WaitAsync(TimeSpan.FromSeconds(90));
        Assert.True(request is not null, browser.Output);
        var name = request!["grpc-change ".Length..];
        await Client.CreateUserAsync(Users.NewRequest(name)).ResponseAsync.DefaultTimeout();
        await browser.WriteLineAsync("done");

        var exitCode = await browser.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        Assert.True(exitCode == 0, browser.Output);
        Assert.Contains("passed", browser.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(screenshot), $"no screenshot at {screenshot}");
        Assert.True(File.Exists(screenshot.Replace(".png", "-overview-365.png", StringComparison.Ordinal)), "no screenshot of the overview at 365 days");
        // What the page did is what the server stored.
        var stored = await Client.ListUsersAsync(new ListUsersRequest { Limit = 100 }).ResponseAsync.DefaultTimeout();
        Assert.Equal(5, stored.Users.Count); // the edited user and the four added for the screenshot
        var edited = Assert.Single(stored.Users, user => user.Name == "Browser Edited");
        Assert.Equal(42, edited.Age);
        Assert.Equal(UserStatus.Active, edited.Status);
    }
}
