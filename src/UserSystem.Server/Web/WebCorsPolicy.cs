using Microsoft.AspNetCore.Cors.Infrastructure;

namespace UserSystem.Server.Web;

/// <summary>The CORS policy for REST and gRPC-Web calls from pages on other origins.</summary>
internal static class WebCorsPolicy
{
    // Browsers hide response headers from scripts unless CORS exposes them: gRPC-Web reads the
    // status from these, the console shows the request id of a failed call, and a page keeps the
    // consistency token to read its own writes.
    private static readonly string[] ExposedHeaders =
        ["grpc-status", "grpc-message", "grpc-status-details-bin", "request-id", "server-version", Contracts.ConsistencyToken.Header];

    public static void Configure(CorsPolicyBuilder policy, WebOptions options)
    {
        if (options.CorsOrigins.Contains("*"))
        {
            policy.AllowAnyOrigin();
        }
        else
        {
            policy.WithOrigins(options.CorsOrigins);
        }

        // Any method and header: REST uses GET/POST/PATCH/DELETE, gRPC-Web sends x-grpc-web,
        // x-user-agent, grpc-timeout and authorization. No cookies are used, so no credentials.
        policy.AllowAnyMethod().AllowAnyHeader().WithExposedHeaders(ExposedHeaders);
    }
}
