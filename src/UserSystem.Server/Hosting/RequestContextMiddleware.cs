namespace UserSystem.Server.Hosting;

/// <summary>
/// The outermost layer of every request: assigns the request id, answers with the
/// <c>request-id</c> and <c>server-version</c> headers (set before anything else runs, so a
/// 401/403 from authentication or a CORS preflight carries them too), and opens the log scope
/// (request id and actor) that every line written during the request carries.
/// </summary>
public sealed class RequestContextMiddleware(RequestDelegate next, ILogger<RequestContextMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = RequestContext.From(context.Request);
        context.Features.Set(request);
        var headers = context.Response.Headers;
        headers[RequestContext.RequestIdHeader] = request.RequestId;
        headers[RequestContext.ServerVersionHeader] = RequestContext.ServerVersion;
        using var scope = logger.BeginScope(new RequestLogScope(request.RequestId, context));
        await next(context);
    }
}

public static class RequestContextExtensions
{
    /// <summary>Request id, version header and log scope; goes first, ahead of CORS and authentication.</summary>
    public static WebApplication UseRequestContext(this WebApplication app)
    {
        app.UseMiddleware<RequestContextMiddleware>();
        return app;
    }
}
