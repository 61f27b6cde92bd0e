using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace UserSystem.Server.Security;

/// <summary>
/// Refusals by <c>[Authorize]</c> happen in middleware, before any interceptor, so the audit
/// interceptor never sees them: log them here (actor and path, never the token), then answer as
/// ASP.NET Core does (401 becomes UNAUTHENTICATED, 403 PERMISSION_DENIED at the gRPC client).
/// Refusals count against the peer address's <see cref="AuthRefusalLimiter"/> bucket: past it,
/// the peer gets RESOURCE_EXHAUSTED (REST: 429) with a retry-after, and no log line per call.
/// </summary>
internal sealed class AuditingAuthorizationResultHandler(ILogger<AuditingAuthorizationResultHandler> logger, AuthRefusalLimiter refusals) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged || authorizeResult.Forbidden)
        {
            if (!refusals.TryRefuse(context, out var lease))
            {
                using (lease)
                {
                    return OverLimitAsync(context, refusals.Period);
                }
            }

            lease.Dispose();
            var requestId = Hosting.RequestContext.RequestIdOf(context);
            SecurityLog.Refused(logger, CallerContextExtensions.FromPrincipal(context.User).Actor, context.Request.Path, authorizeResult.Forbidden ? "forbidden" : "unauthenticated", requestId);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }

    private static Task OverLimitAsync(HttpContext context, TimeSpan period)
    {
        const string Message = "Too many refused calls from this address (RateLimit:RefusalsPerPeriod, RateLimit:RefusalBurstLimit).";
        var response = context.Response;
        var seconds = Math.Max(1, (long)Math.Ceiling(period.TotalSeconds));
        response.Headers[RateLimitRejection.RetryAfterHeader] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var contentType = context.Request.ContentType;
        if (contentType is not null && contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            // A trailers-only gRPC (or gRPC-Web) answer: RESOURCE_EXHAUSTED, not an HTTP 429 that
            // .NET clients would see as UNAVAILABLE and retry at once.
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = contentType.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase) ? contentType : "application/grpc";
            response.Headers["grpc-status"] = "8";
            response.Headers["grpc-message"] = Uri.EscapeDataString(Message);
            return Task.CompletedTask;
        }

        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.ContentType = "application/json; charset=utf-8";
        return response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new { code = 8, message = Message, details = Array.Empty<object>() }), context.RequestAborted);
    }
}
