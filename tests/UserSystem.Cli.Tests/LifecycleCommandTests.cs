using System.Globalization;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using UserSystem.Cli.Hosting;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Cli.Tests;

/// <summary>update, suspend, activate and delete on users each test creates: one server for the class.</summary>
public sealed class LifecycleCommandTests(SharedServer shared) : SharedServerTest(shared)
{
    [Fact]
    public async Task Update_NameOnly_ChangesNameKeepsOtherFieldsAndPrintsNewEtag()
    {
        var before = await CreateAsync("Before", age: 41, hobbies: ["chess"]);

        var result = await RunAsync("update", Id(before), "--name", "After", "-o", "json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("After", json.RootElement.GetProperty("name").GetString());
        Assert.Equal(41, json.RootElement.GetProperty("age").GetInt32());
        Assert.Equal(["chess"], json.RootElement.GetProperty("hobbies").EnumerateArray().Select(hobby => hobby.GetString()));
        Assert.NotEqual(before.Etag, json.RootElement.GetProperty("etag").GetString());
        var stored = await GetAsync(before.Id);
        Assert.Equal(("After", before.Email, 41), (stored.Name, stored.Email, stored.Age));
    }

    [Fact]
    public async Task Update_AgeZeroAndClearHobbies_SetsZeroAndRemovesHobbies()
    {
        var before = await CreateAsync("Young", age: 30, hobbies: ["a", "b"]);

        var result = await RunAsync("update", Id(before), "--age", "0", "--clear-hobbies");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var stored = await GetAsync(before.Id);
        Assert.Equal(0, stored.Age);
        Assert.Empty(stored.Hobbies);
        Assert.Contains(result.OutLines, line => line.StartsWith("etag ", StringComparison.Ordinal) && line.EndsWith(stored.Etag, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Update_CurrentEtag_Succeeds()
    {
        var before = await CreateAsync("Etagged");

        var result = await RunAsync("update", Id(before), "--hobby", "rowing", "--hobby", "golf", "--etag", before.Etag);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(["rowing", "golf"], (await GetAsync(before.Id)).Hobbies);
    }

    [Fact]
    public async Task Update_StaleEtag_ExitsConflictAndChangesNothing()
    {
        var before = await CreateAsync("Original");
        await Server.Client.UpdateUserAsync(new UpdateUserRequest { User = new User { Id = before.Id, Age = 50 }, UpdateMask = new FieldMask { Paths = { "age" } } }).ResponseAsync.DefaultTimeout();

        var result = await RunAsync("update", Id(before), "--name", "Lost update", "--etag", before.Etag);

        Assert.Equal(ExitCodes.Conflict, result.ExitCode);
        Assert.StartsWith("error: ABORTED: ", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.Equal("Original", (await GetAsync(before.Id)).Name);
    }

    [Fact]
    public async Task Update_InvalidEmail_ExitsInvalidInputNamingTheField()
    {
        var before = await CreateAsync("Valid");

        var result = await RunAsync("update", Id(before), "--email", "not-an-email");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: INVALID_ARGUMENT: ", line, StringComparison.Ordinal);
        Assert.Contains("email", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_NoFieldOptions_ExitsUsageWithoutCallingTheServer()
    {
        var before = await CreateAsync("Untouched");

        var result = await RunAsync("update", Id(before));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("error: nothing to update", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(before.Etag, (await GetAsync(before.Id)).Etag);
    }

    [Fact]
    public async Task Update_HobbyAndClearHobbies_ExitsUsage()
    {
        var result = await RunAsync("update", "1", "--hobby", "x", "--clear-hobbies");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--clear-hobbies", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_UnknownId_ExitsNotFound()
    {
        var result = await RunAsync("update", "4242", "--age", "1");

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.StartsWith("error: NOT_FOUND: ", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SuspendThenActivate_ChangesStatusEachTime_AndGetShowsTheSuspendedUserToAnAdmin()
    {
        var user = await CreateAsync("Switch");

        var suspended = await RunAsync("suspend", Id(user));
        var whileSuspended = await RunAsync("get", Id(user));
        var activated = await RunAsync("activate", Id(user), "-o", "json");

        Assert.Equal(ExitCodes.Success, suspended.ExitCode);
        Assert.Contains(suspended.OutLines, line => line.Contains("Switch", StringComparison.Ordinal) && line.Contains("SUSPENDED", StringComparison.Ordinal));
        // An admin sees the suspended user (include_suspended), where GetUser alone would be PERMISSION_DENIED.
        Assert.Equal(ExitCodes.Success, whileSuspended.ExitCode);
        Assert.Contains(whileSuspended.OutLines, line => line.Contains("Switch", StringComparison.Ordinal) && line.Contains("SUSPENDED", StringComparison.Ordinal));
        Assert.Equal(ExitCodes.Success, activated.ExitCode);
        using var json = JsonDocument.Parse(activated.Out);
        Assert.Equal("ACTIVE", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(UserStatus.Active, (await GetAsync(user.Id)).Status);
    }

    [Fact]
    public async Task Suspend_UnknownId_ExitsNotFound()
    {
        var result = await RunAsync("suspend", "4242");

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.StartsWith("error: NOT_FOUND: ", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suspend_StaleEtag_ExitsConflict()
    {
        var user = await CreateAsync("Guarded");
        await Server.Client.SetUserStatusAsync(new SetUserStatusRequest { Id = user.Id, Status = UserStatus.Suspended }).ResponseAsync.DefaultTimeout();

        var result = await RunAsync("activate", Id(user), "--etag", user.Etag);

        Assert.Equal(ExitCodes.Conflict, result.ExitCode);
        Assert.StartsWith("error: ABORTED: ", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_ExistingUser_RemovesIt()
    {
        var user = await CreateAsync("Doomed");

        var result = await RunAsync("delete", Id(user));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Empty(result.Out);
        Assert.Contains($"Deleted user {user.Id}.", result.Error, StringComparison.Ordinal);
        await RpcAssert.FailsWithAsync(Grpc.Core.StatusCode.NotFound, () => Server.Client.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync);
    }

    [Fact]
    public async Task Delete_UnknownId_ExitsNotFound()
    {
        var result = await RunAsync("delete", "4242");

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.StartsWith("error: NOT_FOUND: ", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_PageNumberWithFilter_ExitsUsage()
    {
        var result = await RunAsync("list", "--page", "1", "--status", "active");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("error: --page/--limit", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_MadeUpPageToken_ExitsInvalidInput()
    {
        var result = await RunAsync("list", "--page-token", "not-a-token");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("page_token", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    private static string Id(User user) => user.Id.ToString(CultureInfo.InvariantCulture);

    private async Task<User> CreateAsync(string name, string? email = null, int age = 30, string[]? hobbies = null)
    {
        var response = await Server.Client.CreateUserAsync(Users.NewRequest(name, email, age, hobbies ?? [])).ResponseAsync.DefaultTimeout();
        return response.User;
    }

    private Task<User> GetAsync(int id) => Server.Client.GetUserAsync(new GetUserRequest { Id = id }).ResponseAsync.DefaultTimeout();
}
