using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Web;

/// <summary>A real server per test and an <see cref="HttpClient"/> on its HTTP port (HTTP/1.1).</summary>
public abstract class RestTestBase : ServerTestBase
{
    protected HttpClient Http { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Http = new HttpClient { BaseAddress = Server.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public override async Task DisposeAsync()
    {
        Http.Dispose();
        await base.DisposeAsync();
    }

    protected async Task<HttpResponseMessage> PostJsonAsync(string path, object body) =>
        await Http.PostAsJsonAsync(path, body).DefaultTimeout();

    protected async Task<HttpResponseMessage> GetAsync(string path) =>
        await Http.GetAsync(new Uri(path, UriKind.Relative)).DefaultTimeout();

    /// <summary>Asserts the HTTP status and a JSON body, and returns the body.</summary>
    protected static async Task<JsonObject> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync().DefaultTimeout();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The field names of the google.rpc.BadRequest detail in a JSON error body.</summary>
    protected static IReadOnlyList<string> ViolatedFields(JsonObject error)
    {
        var badRequest = error["details"]!.AsArray()
            .Single(detail => (string?)detail!["@type"] == "type.googleapis.com/google.rpc.BadRequest");
        return badRequest!["fieldViolations"]!.AsArray().Select(violation => (string)violation!["field"]!).ToArray();
    }

    protected static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
