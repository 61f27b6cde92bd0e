using System.Text.Json;
using UserSystem.Cli.Hosting;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Cli.Tests;

public sealed class UserCommandTests : ServerTest
{
    [Fact]
    public async Task Create_ValidUser_PrintsTableAndStoresUser()
    {
        var result = await RunAsync("create", "--name", "Ada Lovelace", "--email", "ada@example.com", "--age", "36", "--hobby", "maths", "--hobby", "poetry");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains(result.OutLines, line => line.Contains("Ada Lovelace", StringComparison.Ordinal) && line.Contains("maths, poetry", StringComparison.Ordinal) && line.Contains("ACTIVE", StringComparison.Ordinal));
        Assert.Contains("user created successfully", result.Error, StringComparison.Ordinal); // for people, so not on standard output
        var stored = await Server.Client.GetUserAsync(new GetUserRequest { Id = 1 }).ResponseAsync.DefaultTimeout();
        Assert.Equal("ada@example.com", stored.Email);
        Assert.Equal(["maths", "poetry"], stored.Hobbies);
    }

    [Fact]
    public async Task Get_Table_ShowsTheEtagThatEtagTakes()
    {
        var created = await Server.Client.CreateUserAsync(Users.NewRequest("Etag Shown")).ResponseAsync.DefaultTimeout();

        var result = await RunAsync("get", created.User.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains(result.OutLines, line => line.Contains("Etag", StringComparison.Ordinal));
        Assert.Contains(result.OutLines, line => line.Contains("Etag Shown", StringComparison.Ordinal) && line.Contains($" {created.User.Etag} ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_JsonOutput_PrintsTheUserInTheSameShapeAsGet()
    {
        var result = await RunAsync("create", "--name", "Grace", "--email", "grace@example.com", "--age", "85", "--output", "json");
        var get = await RunAsync("get", "1", "--output", "json");

        Assert.Equal((ExitCodes.Success, ExitCodes.Success), (result.ExitCode, get.ExitCode));
        using var json = JsonDocument.Parse(result.Out);
        using var fetched = JsonDocument.Parse(get.Out);
        var user = json.RootElement;
        Assert.Equal(1, user.GetProperty("id").GetInt32());
        Assert.Equal("Grace", user.GetProperty("name").GetString());
        Assert.Equal("ACTIVE", user.GetProperty("status").GetString());
        Assert.Equal(fetched.RootElement.EnumerateObject().Select(property => property.Name), user.EnumerateObject().Select(property => property.Name));
    }

    [Fact]
    public async Task Create_InvalidUser_ExitsInvalidInputWithViolationsOnOneLine()
    {
        var result = await RunAsync("create", "--name", " ", "--email", "not-an-email", "--age", "200");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: INVALID_ARGUMENT: ", line, StringComparison.Ordinal);
        Assert.Contains("name", line, StringComparison.Ordinal);
        Assert.Contains("email", line, StringComparison.Ordinal);
        Assert.Contains("age", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task Create_DuplicateEmail_ExitsConflict()
    {
        await CreateUserAsync("First", "taken@example.com");

        var result = await RunAsync("create", "--name", "Second", "--email", "TAKEN@example.com", "--age", "20");

        Assert.Equal(ExitCodes.Conflict, result.ExitCode);
        Assert.StartsWith("error: ALREADY_EXISTS: ", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ExistingUser_PrintsJson()
    {
        var id = await CreateUserAsync("Alan Turing", "alan@example.com", 41);

        var result = await RunAsync("get", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", "json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(id, json.RootElement.GetProperty("id").GetInt32());
        Assert.Equal("alan@example.com", json.RootElement.GetProperty("email").GetString());
        Assert.Equal(41, json.RootElement.GetProperty("age").GetInt32());
    }

    [Fact]
    public async Task Get_UnknownId_ExitsNotFound()
    {
        var result = await RunAsync("get", "4242");

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.StartsWith("error: NOT_FOUND: ", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_NotANumber_ExitsUsage()
    {
        var result = await RunAsync("get", "abc");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("error: ", result.ErrorLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_SecondPage_ShowsThatPageAndTotal()
    {
        for (var i = 1; i <= 5; i++)
        {
            await CreateUserAsync($"User {i}");
        }

        var table = await RunAsync("list", "--page", "1", "--limit", "2");
        var json = await RunAsync("list", "--page", "1", "--limit", "2", "--output", "json");

        Assert.Equal(ExitCodes.Success, table.ExitCode);
        Assert.Contains("User 3", table.Out, StringComparison.Ordinal);
        Assert.Contains("User 4", table.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("User 5", table.Out, StringComparison.Ordinal);
        Assert.Contains("page 1: 2 of 5 users", table.Out, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal(5, document.RootElement.GetProperty("total").GetInt32());
        Assert.Equal([3, 4], document.RootElement.GetProperty("users").EnumerateArray().Select(user => user.GetProperty("id").GetInt32()));
    }

    [Fact]
    public async Task Stream_JsonOutput_PrintsEveryUserAsOneLine()
    {
        for (var i = 1; i <= 3; i++)
        {
            await CreateUserAsync($"Streamed {i}");
        }

        var result = await RunAsync("stream", "-o", "json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var names = result.OutLines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("name").GetString());
        Assert.Equal(["Streamed 1", "Streamed 2", "Streamed 3"], names);
        Assert.Contains("3 users streamed.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_TableOutput_PrintsOneLinePerUser()
    {
        await CreateUserAsync("Only One", "one@example.com");

        var result = await RunAsync("stream");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var line = Assert.Single(result.OutLines);
        Assert.Contains("Only One", line, StringComparison.Ordinal);
        Assert.Contains("one@example.com", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_DelayOutOfRange_ExitsInvalidInput()
    {
        var result = await RunAsync("stream", "--delay", "99");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.StartsWith("error: INVALID_ARGUMENT: ", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }
}
