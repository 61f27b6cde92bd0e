using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Web;

/// <summary>
/// REST input mistakes are answered in REST terms: each field named in its JSON spelling, a
/// sentence without .NET type names or parser internals, a reason on every violation; and a
/// PATCH without updateMask changes the fields its body has (AIP-134).
/// </summary>
public sealed class RestInputErrorTests : RestTestBase
{
    private static readonly string[] Internals = ["System.", "Int32", "UserSystem.", "input string", "enum type", "Request JSON payload"];

    [Theory]
    [InlineData("/v1/users/abc", "id", "whole number")]
    [InlineData("/v1/users?page=x", "page", "whole number")]
    [InlineData("/v1/users?statusFilter=NOPE", "statusFilter", "ACTIVE, SUSPENDED")]
    [InlineData("/v1/users?status_filter=NOPE", "statusFilter", "ACTIVE, SUSPENDED")]
    [InlineData("/v1/users:stats?days=many", "days", "whole number")]
    public async Task BadRouteOrQueryValue_Returns400NamingTheJsonField_InASentence(string path, string field, string expected)
    {
        using var response = await GetAsync(path);

        var error = await AssertInvalidAsync(response);
        Assert.Equal([field], ViolatedFields(error));
        Assert.Contains(expected, (string?)error["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"Ann","email":"ann@example.com","age":"abc"}""", "age")]
    [InlineData("""{"name":"Ann","email":"ann@example.com","age":99999999999}""", "age")]
    [InlineData("""{"name":"Ann","email":"ann@example.com","hobbies":"chess"}""", "hobbies")]
    [InlineData("""{"name":7,"email":"ann@example.com"}""", "name")]
    [InlineData("""{"name":"Ann","email":""", "body")]
    public async Task BadCreateBody_Returns400NamingTheField_WithoutParserInternals(string json, string field)
    {
        using var response = await Http.PostAsync(new Uri("/v1/users", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json")).DefaultTimeout();

        var error = await AssertInvalidAsync(response);
        Assert.Equal([field], ViolatedFields(error));
    }

    [Fact]
    public async Task UnknownStatusInSetStatusBody_Returns400ListingTheStatuses()
    {
        var user = await CreateAsync();

        using var response = await Http.PostAsJsonAsync($"/v1/users/{user.Id}:setStatus", new { status = "NOPE" }).DefaultTimeout();

        var error = await AssertInvalidAsync(response);
        Assert.Equal(["status"], ViolatedFields(error));
        Assert.Contains("ACTIVE, SUSPENDED", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceViolations_OverRest_UseJsonNamesAndAReason()
    {
        using var response = await Http.GetAsync(new Uri("/v1/users?pageSize=2&pageToken=made-up", UriKind.Relative)).DefaultTimeout();

        var error = await AssertInvalidAsync(response);
        Assert.Equal(["pageToken"], ViolatedFields(error));
        Assert.DoesNotContain("page_token", error.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PatchWithoutUpdateMask_ChangesExactlyTheFieldsInTheBody_IgnoringServerOwnedOnes()
    {
        var user = await CreateAsync();

        // A body copied from a GET (etag, status, times) with two fields edited.
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/v1/users/{user.Id}")
        {
            Content = JsonContent.Create(new { name = "Renamed", hobbies = new[] { "go" }, etag = user.Etag, status = "SUSPENDED", createTime = "2020-01-01T00:00:00Z" }),
        };
        using var response = await Http.SendAsync(request).DefaultTimeout();

        var updated = await JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("Renamed", (string?)updated["name"]);
        Assert.Equal(["go"], updated["hobbies"]!.AsArray().Select(hobby => (string)hobby!).ToArray());
        Assert.Equal(user.Age, (int?)updated["age"]);
        Assert.Equal(user.Email, (string?)updated["email"]);
        Assert.Equal("ACTIVE", (string?)updated["status"]);
    }

    [Fact]
    public async Task PatchWithoutUpdateMask_AndNoUpdatableField_Returns400NamingUpdateMask()
    {
        var user = await CreateAsync();

        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/v1/users/{user.Id}") { Content = JsonContent.Create(new { etag = user.Etag }) };
        using var response = await Http.SendAsync(request).DefaultTimeout();

        var error = await AssertInvalidAsync(response);
        Assert.Equal(["updateMask"], ViolatedFields(error));
    }

    private async Task<Contracts.User> CreateAsync() =>
        (await Client.CreateUserAsync(Users.NewRequest("Rest Input", age: 20)).ResponseAsync.DefaultTimeout()).User;

    // 400 INVALID_ARGUMENT, every violation with a reason, and no .NET or parser internals anywhere.
    private static async Task<JsonObject> AssertInvalidAsync(HttpResponseMessage response)
    {
        var error = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(3, (int?)error["code"]);
        var text = error.ToJsonString();
        Assert.All(Internals, internals => Assert.DoesNotContain(internals, text, StringComparison.Ordinal));
        var violations = error["details"]!.AsArray().Single()!["fieldViolations"]!.AsArray();
        Assert.All(violations, violation => Assert.StartsWith("INVALID_", (string?)violation!["reason"], StringComparison.Ordinal));
        return error;
    }
}
