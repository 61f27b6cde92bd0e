using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Web;

/// <summary>Each REST route (JSON transcoding of the google.api.http annotations): success and error statuses.</summary>
public sealed class RestUserRoutesTests : RestTestBase
{
    [Fact]
    public async Task PostUsers_ValidBody_Returns200WithTheCreatedUserInProtoJson()
    {
        var email = Users.UniqueEmail();
        using var response = await PostJsonAsync("/v1/users", new { name = "Rest Ann", email, age = 31, hobbies = new[] { "chess" } });

        var body = await JsonAsync(response, HttpStatusCode.OK);
        var user = body["user"]!;
        Assert.Equal("Rest Ann", (string?)user["name"]);
        Assert.Equal(email, (string?)user["email"]);
        Assert.Equal(31, (int?)user["age"]);
        Assert.Equal("ACTIVE", (string?)user["status"]);
        Assert.NotNull(user["createTime"]);
        Assert.Equal("user created successfully", (string?)body["message"]);
        // The same user is visible over gRPC.
        var stored = await Client.GetUserAsync(new GetUserRequest { Id = (int)user["id"]! }).ResponseAsync.DefaultTimeout();
        Assert.Equal(email, stored.Email);
    }

    [Fact]
    public async Task PostUsers_InvalidFields_Returns400WithFieldViolations()
    {
        using var response = await PostJsonAsync("/v1/users", new { name = "", email = "not-an-email", age = 200 });

        var error = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(3, (int?)error["code"]); // INVALID_ARGUMENT
        Assert.Equal(["name", "email", "age"], ViolatedFields(error));
        Assert.Equal(0, await CountUsersAsync());
    }

    [Fact]
    public async Task PostUsers_DuplicateEmail_Returns409()
    {
        var email = Users.UniqueEmail();
        using var first = await PostJsonAsync("/v1/users", new { name = "First", email });
        await JsonAsync(first, HttpStatusCode.OK);

        using var second = await PostJsonAsync("/v1/users", new { name = "Second", email = email.ToUpperInvariant() });

        var error = await JsonAsync(second, HttpStatusCode.Conflict);
        Assert.Equal(6, (int?)error["code"]); // ALREADY_EXISTS
    }

    [Fact]
    public async Task PostUsers_MalformedJson_Returns400AndTheServerKeepsServing()
    {
        using var content = new StringContent("{\"name\": \"x\", \"email\": ", Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri("/v1/users", UriKind.Relative), content).DefaultTimeout();

        var error = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(3, (int?)error["code"]);
        using var next = await PostJsonAsync("/v1/users", new { name = "After", email = Users.UniqueEmail() });
        await JsonAsync(next, HttpStatusCode.OK);
    }

    [Fact]
    public async Task GetUser_Existing_Returns200WithTheUser()
    {
        var created = await Client.CreateUserAsync(Users.NewRequest("Rest Get")).ResponseAsync.DefaultTimeout();

        using var response = await GetAsync($"/v1/users/{created.User.Id}");

        var user = await JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(created.User.Id, (int?)user["id"]);
        Assert.Equal("Rest Get", (string?)user["name"]);
    }

    [Fact]
    public async Task GetUser_UnknownId_Returns404()
    {
        using var response = await GetAsync("/v1/users/4242");

        var error = await JsonAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(5, (int?)error["code"]);
        Assert.Contains("4242", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetUser_NonPositiveId_Returns400WithTheIdViolation()
    {
        using var response = await GetAsync("/v1/users/0");

        var error = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["id"], ViolatedFields(error));
    }

    [Fact]
    public async Task GetUser_NonNumericId_Returns400()
    {
        using var response = await GetAsync("/v1/users/abc");

        await JsonAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ListUsers_PageAndLimitInTheQuery_ReturnsThatPageAndTheTotal()
    {
        for (var i = 0; i < 5; i++)
        {
            await Client.CreateUserAsync(Users.NewRequest($"List {i}")).ResponseAsync.DefaultTimeout();
        }

        using var response = await GetAsync("/v1/users?page=1&limit=2");

        var body = await JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(["List 2", "List 3"], body["users"]!.AsArray().Select(user => (string)user!["name"]!));
        Assert.Equal(5, (int?)body["total"]);
        Assert.Equal(1, (int?)body["page"]);
    }

    [Fact]
    public async Task ListUsers_NegativePage_Returns400WithThePageViolation()
    {
        using var response = await GetAsync("/v1/users?page=-1");

        var error = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["page"], ViolatedFields(error));
    }

    [Fact]
    public async Task StreamUsers_ReturnsEveryUserAsNewlineDelimitedJson()
    {
        for (var i = 0; i < 3; i++)
        {
            await Client.CreateUserAsync(Users.NewRequest($"Stream {i}")).ResponseAsync.DefaultTimeout();
        }

        using var response = await Http.GetAsync(new Uri("/v1/users:stream", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead).DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync().DefaultTimeout();

        var users = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!).ToArray();
        Assert.Equal(["Stream 0", "Stream 1", "Stream 2"], users.Select(user => (string)user["name"]!));
    }

    [Fact]
    public async Task StreamUsers_DelayAboveTheLimit_Returns400()
    {
        using var response = await GetAsync("/v1/users:stream?delaySeconds=11");

        var error = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["delaySeconds"], ViolatedFields(error));
    }

    [Fact]
    public async Task UnknownRoute_Returns404()
    {
        using var response = await GetAsync("/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
