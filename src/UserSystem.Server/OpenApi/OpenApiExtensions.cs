using System.Text.Encodings.Web;
using System.Text.Json;
using UserSystem.Contracts;
using UserSystem.Server.Hosting;

namespace UserSystem.Server.OpenApi;

public static class OpenApiExtensions
{
    public const string DocumentPath = "/openapi/v1.json";

    /// <summary>Serves the REST surface's OpenAPI document, generated once at start from the proto descriptors.</summary>
    public static IEndpointRouteBuilder MapUserOpenApi(this IEndpointRouteBuilder endpoints)
    {
        var document = OpenApiDocumentBuilder.Build("grpc-user-system REST API", RequestContext.ServerVersion, UserService.Descriptor)
            .ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        endpoints.MapGet(DocumentPath, () => Results.Text(document, "application/json"));
        return endpoints;
    }
}
