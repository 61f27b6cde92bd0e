using System.Text.Json;

namespace UserSystem.Server.Web;

/// <summary>
/// Gives a REST call refused before it reaches the gRPC pipeline (authentication 401,
/// authorization 403, both answered by ASP.NET Core middleware with an empty body) the same JSON
/// error body as every other REST error: a <c>google.rpc.Status</c> with the matching gRPC code.
/// </summary>
internal sealed class RestRefusalBody(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (context.Response.HasStarted
            || context.Response.StatusCode is not (StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden)
            || !context.IsRestCall())
        {
            return;
        }

        var (code, message) = context.Response.StatusCode == StatusCodes.Status401Unauthorized
            ? (16, "The call needs a valid bearer token (authorization: Bearer ...).")  // UNAUTHENTICATED
            : (7, "The caller is not allowed to make this call.");                     // PERMISSION_DENIED
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { code, message, details = Array.Empty<object>() }), context.RequestAborted);
    }
}
