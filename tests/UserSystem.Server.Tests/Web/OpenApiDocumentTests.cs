using System.Net;
using System.Text.Json.Nodes;
using Google.Api;
using UserSystem.Contracts;

namespace UserSystem.Server.Tests.Web;

/// <summary><c>/openapi/v1.json</c> is true to the proto: every annotated RPC, with its path, method and schemas.</summary>
public sealed class OpenApiDocumentTests : RestTestBase
{
    [Fact]
    public async Task Document_HasEveryAnnotatedRpcWithItsPathAndMethod()
    {
        var document = await DocumentAsync();
        var paths = document["paths"]!.AsObject();

        var annotated = UserService.Descriptor.Methods
            .Select(method => (Method: method, Rule: method.GetOptions()?.GetExtension(AnnotationsExtensions.Http)))
            .Where(pair => pair.Rule is not null)
            .ToList();
        Assert.NotEmpty(annotated);
        foreach (var (method, rule) in annotated)
        {
            var (verb, template) = rule!.PatternCase switch
            {
                HttpRule.PatternOneofCase.Get => ("get", rule.Get),
                HttpRule.PatternOneofCase.Post => ("post", rule.Post),
                HttpRule.PatternOneofCase.Patch => ("patch", rule.Patch),
                HttpRule.PatternOneofCase.Put => ("put", rule.Put),
                HttpRule.PatternOneofCase.Delete => ("delete", rule.Delete),
                _ => (rule.Custom.Kind.ToLowerInvariant(), rule.Custom.Path),
            };
            var operation = paths[template]?[verb];
            Assert.True(operation is not null, $"{method.Name}: {verb.ToUpperInvariant()} {template} is missing from the document");
            Assert.Equal($"UserService_{method.Name}", (string?)operation!["operationId"]);
        }
    }

    [Fact]
    public async Task Document_LeavesOutRpcsWithoutARestForm()
    {
        var document = await DocumentAsync();

        var operationIds = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => (string?)operation.Value!["operationId"]))
            .ToList();
        Assert.DoesNotContain("UserService_CreateBatchUsers", operationIds);
        Assert.DoesNotContain("UserService_ChatWithUsers", operationIds);
    }

    [Fact]
    public async Task Document_DescribesParametersAndMessageSchemasInProtoJsonForm()
    {
        var document = await DocumentAsync();

        var getUser = document["paths"]!["/v1/users/{id}"]!["get"]!;
        var id = getUser["parameters"]!.AsArray().Single(parameter => (string?)parameter!["name"] == "id")!;
        Assert.Equal("path", (string?)id["in"]);
        Assert.Equal("integer", (string?)id["schema"]!["type"]);

        var listQuery = document["paths"]!["/v1/users"]!["get"]!["parameters"]!.AsArray().Select(parameter => (string?)parameter!["name"]);
        Assert.Contains("page", listQuery);
        Assert.Contains("limit", listQuery);

        var user = document["components"]!["schemas"]!["user.User"]!["properties"]!;
        Assert.Equal("string", (string?)user["email"]!["type"]);
        Assert.Equal("array", (string?)user["hobbies"]!["type"]);
        Assert.Equal("date-time", (string?)user["createTime"]!["format"]);
        Assert.Equal("#/components/schemas/user.UserStatus", (string?)user["status"]!["$ref"]);
        Assert.Equal(["INACTIVE", "ACTIVE", "SUSPENDED"],
            document["components"]!["schemas"]!["user.UserStatus"]!["enum"]!.AsArray().Select(value => (string?)value));
    }

    [Fact]
    public async Task Document_DeclaresBearerAuthentication()
    {
        var document = await DocumentAsync();

        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["bearerAuth"]!["scheme"]);
        Assert.NotNull(document["security"]![0]!["bearerAuth"]);
    }

    [Fact]
    public async Task Document_EveryReferenceResolvesToASchema()
    {
        var document = await DocumentAsync();
        var schemas = document["components"]!["schemas"]!.AsObject();

        var references = References(document).ToList();
        Assert.NotEmpty(references);
        foreach (var reference in references)
        {
            var name = reference["#/components/schemas/".Length..];
            Assert.True(schemas.ContainsKey(name), $"{reference} has no schema");
        }
    }

    private async Task<JsonObject> DocumentAsync()
    {
        using var response = await GetAsync("/openapi/v1.json");
        var document = await JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("3.0.3", (string?)document["openapi"]);
        return document;
    }

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(pair => pair.Key == "$ref" ? [(string)pair.Value!] : References(pair.Value)),
        JsonArray array => array.SelectMany(References),
        _ => [],
    };
}
