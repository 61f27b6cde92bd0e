using System.Globalization;
using System.Security.Claims;
using Grpc.Core;

namespace UserSystem.Server.Security;

/// <summary>Reads the authenticated caller of a gRPC call (set by ASP.NET Core authentication).</summary>
public static class CallerContextExtensions
{
    public static Caller GetCaller(this ServerCallContext context) => context.GetHttpContext().GetCaller();

    /// <summary>
    /// The request's caller, read from its principal once: the policy, the caller limits, the log
    /// scope of every line and the audit line all ask. Read again if authentication replaced the principal.
    /// </summary>
    public static Caller GetCaller(this HttpContext context)
    {
        var principal = context.User;
        if (context.Features.Get<CallerFeature>() is { } feature && ReferenceEquals(feature.Principal, principal))
        {
            return feature.Caller;
        }

        var caller = FromPrincipal(principal);
        context.Features.Set(new CallerFeature(principal, caller));
        return caller;
    }

    public static Caller FromPrincipal(ClaimsPrincipal principal)
    {
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true } identity)
        {
            return Caller.Anonymous;
        }

        // A present but invalid uid never reaches here: UserBinding refuses the token.
        var userId = TryParseUserId(principal.FindFirstValue(CallerClaims.UserId));
        var roles = principal.FindAll(identity.RoleClaimType).Select(claim => claim.Value).ToHashSet(StringComparer.Ordinal);
        var email = IsTrue(principal.FindFirstValue(CallerClaims.EmailVerified)) ? principal.FindFirstValue(CallerClaims.Email) : null;
        return new Caller(principal.FindFirstValue(CallerClaims.Subject), userId, email, roles);
    }

    /// <summary>A user id as a token carries it: a positive whole number (JSON number or string).</summary>
    public static int? TryParseUserId(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    private sealed record CallerFeature(ClaimsPrincipal Principal, Caller Caller);

    // A JSON true arrives as "true" (ClaimValueTypes.Boolean); some providers send the string "true".
    private static bool IsTrue(string? value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}
