using System.Globalization;
using System.Security.Claims;
using Grpc.Core;

namespace UserSystem.Server.Security;

/// <summary>Reads the authenticated caller of a gRPC call (set by ASP.NET Core authentication).</summary>
public static class CallerContextExtensions
{
    private const string CallerKey = "user-system:caller";

    public static Caller GetCaller(this ServerCallContext context)
    {
        if (context.UserState.TryGetValue(CallerKey, out var cached) && cached is Caller caller)
        {
            return caller;
        }

        caller = FromPrincipal(context.GetHttpContext().User);
        context.UserState[CallerKey] = caller;
        return caller;
    }

    public static Caller FromPrincipal(ClaimsPrincipal principal)
    {
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true } identity)
        {
            return Caller.Anonymous;
        }

        var userId = int.TryParse(principal.FindFirstValue(CallerClaims.UserId), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : (int?)null;
        var roles = principal.FindAll(identity.RoleClaimType).Select(claim => claim.Value).ToHashSet(StringComparer.Ordinal);
        return new Caller(principal.FindFirstValue(CallerClaims.Subject), userId, principal.FindFirstValue(CallerClaims.Email), roles);
    }
}
