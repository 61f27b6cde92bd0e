using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Web;

/// <summary>The lifecycle routes (update, status, delete, watch, filtered listing): success and error statuses.</summary>
public sealed class RestLifecycleRoutesTests : RestTestBase
{
    private async Task<Contracts.User> CreateAsync(string name = "Life Cycle") =>
        (await Client.CreateUserAsync(Users.NewRequest(name, age: 20)).ResponseAsync.DefaultTimeout()).User;

    private async Task<HttpResponseMessage> SendJsonAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        return await Http.SendAsync(request).DefaultTimeout();
    }

    [Fact]
    public async Task PatchUser_WithUpdateMask_ChangesOnlyTheMaskedFields()
    {
        var user = await CreateAsync();

        using var response = await SendJsonAsync(HttpMethod.Patch, $"/v1/users/{user.Id}?updateMask=name", new { name = "Renamed", age = 99 });

        var updated = await JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("Renamed", (string?)updated["name"]);
        Assert.Equal(20, (int?)updated["age"]);
        Assert.NotEqual(user.Etag, (string?)updated["etag"]);
    }

    [Fact]
    public async Task PatchUser_StaleEtag_Returns409()
    {
        var user = await CreateAsync();

        using var response = await SendJsonAsync(HttpMethod.Patch, $"/v1/users/{user.Id}?updateMask=name", new { name = "Late", etag = "not-the-etag" });

        var error = await JsonAsync(response, HttpStatusCode.Conflict);
        Assert.Equal(10, (int?)error["code"]); // ABORTED
    }

    [Fact]
    public async Task PatchUser_UnknownMaskPath_Returns400WithTheUpdateMaskViolation()
    {
        var user = await CreateAsync();

        using var response = await SendJsonAsync(HttpMethod.Patch, $"/v1/users/{user.Id}?updateMask=status", new { name = "x" });

        var error = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["updateMask"], ViolatedFields(error)); // the JSON spelling, as the REST caller wrote it
    }

    [Fact]
    public async Task PatchUser_InvalidEmail_Returns400WithTheFieldViolation()
    {
        var user = await CreateAsync();

        using var response = await SendJsonAsync(HttpMethod.Patch, $"/v1/users/{user.Id}?updateMask=email", new { email = "broken" });

        var error = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(ViolatedFields(error), field => field.EndsWith("email", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PatchUser_UnknownId_Returns404()
    {
        using var response = await SendJsonAsync(HttpMethod.Patch, "/v1/users/9999?updateMask=name", new { name = "Nobody" });

        await JsonAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task SetStatus_Suspend_Returns200AndThenGetUserIs403()
    {
        var user = await CreateAsync();

        using var response = await SendJsonAsync(HttpMethod.Post, $"/v1/users/{user.Id}:setStatus", new { status = "SUSPENDED" });
        var suspended = await JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("SUSPENDED", (string?)suspended["status"]);

        using var get = await GetAsync($"/v1/users/{user.Id}");
        var error = await JsonAsync(get, HttpStatusCode.Forbidden);
        Assert.Equal(7, (int?)error["code"]); // PERMISSION_DENIED
    }

    [Fact]
    public async Task SetStatus_UnknownStatusName_Returns400()
    {
        var user = await CreateAsync();

        using var response = await SendJsonAsync(HttpMethod.Post, $"/v1/users/{user.Id}:setStatus", new { status = "ON_HOLIDAY" });

        await JsonAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task SetStatus_UnknownId_Returns404()
    {
        using var response = await SendJsonAsync(HttpMethod.Post, "/v1/users/9999:setStatus", new { status = "ACTIVE" });

        await JsonAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DeleteUser_Returns200AndThenTheUserIsGone()
    {
        var user = await CreateAsync();

        using var response = await SendJsonAsync(HttpMethod.Delete, $"/v1/users/{user.Id}");
        Assert.Empty(await JsonAsync(response, HttpStatusCode.OK));

        using var again = await SendJsonAsync(HttpMethod.Delete, $"/v1/users/{user.Id}");
        await JsonAsync(again, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DeleteUser_StaleEtagInTheQuery_Returns409AndKeepsTheUser()
    {
        var user = await CreateAsync();

        using var response = await SendJsonAsync(HttpMethod.Delete, $"/v1/users/{user.Id}?etag=stale");

        await JsonAsync(response, HttpStatusCode.Conflict);
        Assert.Equal(1, await CountUsersAsync());
    }

    [Fact]
    public async Task ListUsers_WithANamePrefixFilter_ReturnsOnlyMatchingUsers()
    {
        await CreateAsync("Alpha One");
        await CreateAsync("Beta Two");
        await CreateAsync("Alpha Three");

        using var response = await GetAsync("/v1/users?namePrefix=Alpha&pageSize=10");

        var body = await JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(["Alpha One", "Alpha Three"], body["users"]!.AsArray().Select(user => (string)user!["name"]!));
    }

    [Fact]
    public async Task WatchUsers_ReplaysTheHistoryAndFollowsLiveChangesAsNewlineDelimitedJson()
    {
        var first = await CreateAsync("Watched");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await Http.GetAsync(new Uri("/v1/users:watch?sinceEventId=0", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));

        var replayed = JsonNode.Parse((await reader.ReadLineAsync(cancel.Token))!)!;
        Assert.Equal("USER_EVENT_KIND_CREATED", (string?)replayed["kind"]);
        Assert.Equal(first.Id, (int?)replayed["userId"]);

        // A change made now, over gRPC, arrives on the open REST stream.
        await Client.SetUserStatusAsync(new SetUserStatusRequest { Id = first.Id, Status = UserStatus.Suspended }).ResponseAsync.DefaultTimeout();
        var live = JsonNode.Parse((await reader.ReadLineAsync(cancel.Token))!)!;
        Assert.Equal("USER_EVENT_KIND_STATUS_CHANGED", (string?)live["kind"]);
        Assert.Equal("SUSPENDED", (string?)live["user"]!["status"]);
    }

    [Fact]
    public async Task WatchUsers_NegativeSinceEventId_Returns400()
    {
        using var response = await GetAsync("/v1/users:watch?sinceEventId=-1");

        var error = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["sinceEventId"], ViolatedFields(error));
    }
}
