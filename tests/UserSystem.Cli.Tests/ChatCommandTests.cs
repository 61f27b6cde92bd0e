using UserSystem.Cli.Hosting;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Cli.Tests;

public sealed class ChatCommandTests : ServerTest
{
    [Fact]
    public async Task Chat_LinesOnInput_CreatesAndPrintsEachUser()
    {
        const string input = "Alan Turing,alan@example.com,41,chess;running\n{\"name\":\"Kat\",\"email\":\"kat@example.com\",\"age\":30}\n";

        var result = await RunWithInputAsync(input, "chat");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(2, result.OutLines.Length);
        Assert.Contains("Alan Turing", result.OutLines[0], StringComparison.Ordinal);
        Assert.Contains("Kat", result.OutLines[1], StringComparison.Ordinal);
        Assert.Contains("2 users created.", result.Error, StringComparison.Ordinal);
        var list = await Server.Client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal(2, list.Total);
    }

    [Fact]
    public async Task Chat_MalformedLine_IsSkippedWithItsLineNumber()
    {
        var result = await RunWithInputAsync("nonsense\nAda,ada@example.com,36\n", "chat");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("skipped line 1:", result.Error, StringComparison.Ordinal);
        Assert.Contains("Ada", Assert.Single(result.OutLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_ServerRejectsDuplicate_EndsWithConflictAndKeepsEarlierUsers()
    {
        var result = await RunWithInputAsync("One,same@example.com,1\nTwo,SAME@example.com,2\nThree,three@example.com,3\n", "chat");

        Assert.Equal(ExitCodes.Conflict, result.ExitCode);
        Assert.Contains("error: ALREADY_EXISTS: ", result.Error, StringComparison.Ordinal);
        var stored = await Server.Client.GetUserAsync(new GetUserRequest { Id = 1 }).ResponseAsync.DefaultTimeout();
        Assert.Equal("One", stored.Name);
    }
}
