using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace UserSystem.Server.Security;

/// <summary>
/// Refusals by <c>[Authorize]</c> happen in middleware, before any interceptor, so the audit
/// interceptor never sees them: log them here (actor and path, never the token), then answer as
/// ASP.NET Core does (401 becomes UNAUTHENTICATED, 403 PERMISSION_DENIED at the gRPC client).
/// Refusals count against the peer address's <see cref="AuthRefusalLimiter"/> bucket: past it,
/// the peer gets RESOURCE_EXHAUSTED (REST: 429) with a retry-after, and no log line per call.
/// A call let in goes on to the next middleware, the caller's own limits (<see cref="CallerLimitsMiddleware"/>).
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
                    return RateLimitRejection.WriteAsync(context, RateLimitRejection.RetryAfterSeconds(lease, refusals.Period),
                        "Too many refused calls from this address (RateLimit:RefusalsPerPeriod, RateLimit:RefusalBurstLimit).");
                }
            }

            lease.Dispose();
            var requestId = Hosting.RequestContext.RequestIdOf(context);
            SecurityLog.Refused(logger, context.GetCaller().Actor, context.Request.Path, authorizeResult.Forbidden ? "forbidden" : "unauthenticated", requestId);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
