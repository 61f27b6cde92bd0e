namespace UserSystem.Server.Tests.Web;

/// <summary>
/// The console is built from web/ and committed into the server (so `dotnet run` needs no npm);
/// this test rebuilds it and fails when the committed bundle or generated code is stale.
/// </summary>
public sealed class ConsoleBuildTests
{
    [Fact]
    public async Task CommittedConsoleBundle_MatchesAFreshBuildOfWebSources()
    {
        using var build = NodeScript.Start("build.mjs", "--check");

        var exitCode = await build.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0, build.Output);
        Assert.Contains("console is up to date", build.Output, StringComparison.Ordinal);
    }
}
