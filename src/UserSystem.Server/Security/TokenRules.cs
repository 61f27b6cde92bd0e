using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;

namespace UserSystem.Server.Security;

/// <summary>
/// Checks a token passes after its signature, issuer, audience and expiry have been validated:
/// its lifetime is at most <see cref="JwtAuthOptions.MaxTokenLifetimeMinutes"/> (a stolen
/// long-lived token stays useful too long), it names its subject (<c>sub</c>), and its user-id claim, when present, is a valid id
/// (a malformed one refuses the call instead of silently falling back to the email). A custom
/// <see cref="JwtAuthOptions.UserIdClaim"/> is copied to <c>uid</c>, the one name the rest reads.
/// </summary>
internal static class TokenRules
{
    public static Task OnTokenValidated(TokenValidatedContext context, JwtAuthOptions jwt)
    {
        if (context.SecurityToken is JsonWebToken token && LifetimeProblem(token, jwt) is { } lifetime)
        {
            context.Fail(lifetime);
            return Task.CompletedTask;
        }

        if (context.Principal?.Identity is not ClaimsIdentity identity)
        {
            return Task.CompletedTask;
        }

        // Without a subject the caller would be recorded as "local-admin", the open mode's identity.
        if (string.IsNullOrEmpty(identity.FindFirst(CallerClaims.Subject)?.Value))
        {
            context.Fail($"The token has no {CallerClaims.Subject} claim.");
            return Task.CompletedTask;
        }

        var custom = !string.Equals(jwt.UserIdClaim, CallerClaims.UserId, StringComparison.Ordinal);
        if (custom)
        {
            // With another claim configured, a "uid" in the token means something else: never an id here.
            foreach (var other in identity.FindAll(CallerClaims.UserId).ToList())
            {
                identity.RemoveClaim(other);
            }
        }

        var claims = identity.FindAll(jwt.UserIdClaim).ToList();
        if (claims.Count == 0)
        {
            return Task.CompletedTask;
        }

        if (claims.Count > 1 || CallerContextExtensions.TryParseUserId(claims[0].Value) is not { } userId)
        {
            context.Fail($"The token's {jwt.UserIdClaim} claim is not a valid user id.");
            return Task.CompletedTask;
        }

        if (custom)
        {
            identity.AddClaim(new Claim(CallerClaims.UserId, userId.ToString(System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer32));
        }

        return Task.CompletedTask;
    }

    // Lifetime is measured from iat (else nbf) to exp; a token with neither start is measured from now.
    private static string? LifetimeProblem(JsonWebToken token, JwtAuthOptions jwt)
    {
        var start = token.IssuedAt != DateTime.MinValue ? token.IssuedAt
            : token.ValidFrom != DateTime.MinValue ? token.ValidFrom
            : DateTime.UtcNow;
        var lifetime = token.ValidTo - start;
        return lifetime > TimeSpan.FromMinutes(jwt.MaxTokenLifetimeMinutes)
            ? $"The token is valid for {lifetime.TotalMinutes:F0} minutes, more than Auth:Jwt:MaxTokenLifetimeMinutes ({jwt.MaxTokenLifetimeMinutes})."
            : null;
    }
}
