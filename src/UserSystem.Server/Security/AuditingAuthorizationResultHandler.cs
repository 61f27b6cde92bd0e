using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace UserSystem.Server.Security;

/// <summary>
/// Refusals by <c>[Authorize]</c> happen in middleware, before any interceptor, so the audit
/// interceptor never sees them: log them here (actor and path, never the token), then answer as
/// ASP.NET Core does (401 becomes UNAUTHENTICATED, 403 PERMISSION_DENIED at the gRPC client).
/// </summary>
internal sealed class AuditingAuthorizationResultHandler(ILogger<AuditingAuthorizationResultHandler> logger) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged || authorizeResult.Forbidden)
        {
            var requestId = Hosting.RequestContext.RequestIdOf(context);
            SecurityLog.Refused(logger, CallerContextExtensions.FromPrincipal(context.User).Actor, context.Request.Path, authorizeResult.Forbidden ? "forbidden" : "unauthenticated", requestId);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
