namespace UserSystem.Server.Web;

/// <summary>
/// Headers that tell a browser how to treat every HTTP answer (console, REST, gRPC-Web, health):
/// a Content-Security-Policy that allows only the console's own files and no framing
/// (clickjacking), <c>nosniff</c> so a JSON or text answer is never run as script, and no
/// referrer sent to other sites. It runs on the web branch only (<see cref="WebExtensions.UseUserWeb"/>):
/// plain gRPC answers are not for browsers and never pass here.
/// </summary>
internal sealed class BrowserSecurityHeaders(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public const string ReferrerPolicy = "no-referrer";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = ReferrerPolicy;
        return next(context);
    }
}
