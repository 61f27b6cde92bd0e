using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Cli.Tests.Examples;

/// <summary>
/// The Python and Node examples (examples/), run as their own processes against the real server:
/// each calls all six seed RPCs and must exit 0. Their prerequisites come from scripts/setup/.
/// </summary>
public sealed class ExampleClientTests : ServerTest
{
    [Fact]
    public async Task PythonExample_AgainstRealServer_CallsAllSixRpcsAndExitsZero()
    {
        var (exitCode, output) = await RunExampleAsync("/usr/bin/python3", Path.Combine(RepositoryFiles.Root, "examples", "python", "user_client.py"));

        AssertAllSixRpcsRan(exitCode, output);
        await AssertUsersCreatedAsync();
    }

    [Fact]
    public async Task NodeExample_AgainstRealServer_CallsAllSixRpcsAndExitsZero()
    {
        var (exitCode, output) = await RunExampleAsync("node", Path.Combine(RepositoryFiles.Root, "examples", "node", "user_client.js"));

        AssertAllSixRpcsRan(exitCode, output);
        await AssertUsersCreatedAsync();
    }

    private static void AssertAllSixRpcsRan(int exitCode, string output)
    {
        Assert.True(exitCode == 0, $"the example exited with {exitCode}:\n{output}");
        foreach (var rpc in new[] { "CreateUser:", "GetUser:", "ListUsers:", "StreamUsers:", "CreateBatchUsers: '3 users created'", "ChatWithUsers: created", "all six RPCs OK" })
        {
            Assert.Contains(rpc, output, StringComparison.Ordinal);
        }
    }

    private async Task AssertUsersCreatedAsync()
    {
        // One from CreateUser, three from the batch, two from the chat.
        var list = await Server.Client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal(6, list.Total);
    }

    private Task<(int ExitCode, string Output)> RunExampleAsync(string program, string script) =>
        ExampleRun.RunAsync(program, script, Server.GrpcAddress);
}
