using System.Text.Json;
using UserSystem.Cli.Hosting;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Cli.Tests;

/// <summary>Token paging and the idempotent create, which read the whole store: a fresh server per test.</summary>
public sealed class ListAndRetryCommandTests : ServerTest
{
    [Fact]
    public async Task List_StatusFilterWithPageSize_WalksTokenPagesToTheLast()
    {
        var ids = new List<int>();
        for (var i = 1; i <= 5; i++)
        {
            ids.Add((await CreateAsync($"User {i}")).Id);
        }

        foreach (var id in ids.Skip(1).Take(3))
        {
            await Server.Client.SetUserStatusAsync(new SetUserStatusRequest { Id = id, Status = UserStatus.Suspended }).ResponseAsync.DefaultTimeout();
        }

        var first = await RunAsync("list", "--status", "suspended", "--page-size", "2", "-o", "json");
        using var firstJson = JsonDocument.Parse(first.Out);
        var token = firstJson.RootElement.GetProperty("nextPageToken").GetString()!;
        var second = await RunAsync("list", "--status", "suspended", "--page-size", "2", "--page-token", token);

        Assert.Equal(ExitCodes.Success, first.ExitCode);
        Assert.Equal(ids.Skip(1).Take(2), firstJson.RootElement.GetProperty("users").EnumerateArray().Select(user => user.GetProperty("id").GetInt32()));
        Assert.NotEmpty(token);
        Assert.Equal(ExitCodes.Success, second.ExitCode);
        Assert.Contains("User 4", second.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("User 2", second.Out, StringComparison.Ordinal);
        Assert.Contains("1 user, last page", second.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_PrefixFilters_PrintNextPageTokenInTheCaption()
    {
        await CreateAsync("Ada One", "ada1@example.com");
        await CreateAsync("Ada Two", "ADA2@example.com");
        await CreateAsync("Bob", "bob@example.com");

        var byEmail = await RunAsync("list", "--email-prefix", "ada", "--page-size", "1");
        var byName = await RunAsync("list", "--name-prefix", "Ada T");

        Assert.Equal(ExitCodes.Success, byEmail.ExitCode);
        Assert.Contains("ada1@example.com", byEmail.Out, StringComparison.Ordinal);
        Assert.Contains("1 user; next page: --page-token ", byEmail.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, byName.ExitCode);
        Assert.Contains("Ada Two", byName.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Ada One", byName.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SameRequestIdTwice_CreatesOneUser()
    {
        string[] args = ["create", "--name", "Once", "--email", "once@example.com", "--request-id", "3f2b9c1e-retry", "-o", "json"];

        var first = await RunAsync(args);
        var retry = await RunAsync(args);

        Assert.Equal((ExitCodes.Success, ExitCodes.Success), (first.ExitCode, retry.ExitCode));
        using var firstJson = JsonDocument.Parse(first.Out);
        using var retryJson = JsonDocument.Parse(retry.Out);
        Assert.Equal(firstJson.RootElement.GetProperty("id").GetInt32(), retryJson.RootElement.GetProperty("id").GetInt32());
        var list = await Server.Client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal(1, list.Total);
    }

    private async Task<User> CreateAsync(string name, string? email = null, int age = 30, string[]? hobbies = null)
    {
        var response = await Server.Client.CreateUserAsync(Users.NewRequest(name, email, age, hobbies ?? [])).ResponseAsync.DefaultTimeout();
        return response.User;
    }
}
