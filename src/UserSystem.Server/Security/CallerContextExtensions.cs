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

        // A present but invalid uid never reaches here: UserBinding refuses the token.
        var userId = TryParseUserId(principal.FindFirstValue(CallerClaims.UserId));
        var roles = principal.FindAll(identity.RoleClaimType).Select(claim => claim.Value).ToHashSet(StringComparer.Ordinal);
        var email = IsTrue(principal.FindFirstValue(CallerClaims.EmailVerified)) ? principal.FindFirstValue(CallerClaims.Email) : null;
        return new Caller(principal.FindFirstValue(CallerClaims.Subject), userId, email, roles);
    }

    /// <summary>A user id as a token carries it: a positive whole number (JSON number or string).</summary>
    public static int? TryParseUserId(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    // A JSON true arrives as "true" (ClaimValueTypes.Boolean); some providers send the string "true".
    private static bool IsTrue(string? value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}
