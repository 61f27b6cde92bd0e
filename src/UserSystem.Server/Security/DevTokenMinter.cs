using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace UserSystem.Server.Security;

/// <summary>
/// What a development token says about its bearer. <paramref name="EmailVerified"/> writes
/// <c>email_verified: true</c>, without which the email never binds the bearer to a user.
/// </summary>
public sealed record DevTokenRequest(string Subject, int? UserId, string? Email, IReadOnlyList<string> Roles, TimeSpan Lifetime, bool EmailVerified = false);

/// <summary>Mints HS256 tokens the server accepts, from the configured development signing key.</summary>
public static class DevTokenMinter
{
    public static string Mint(JwtAuthOptions jwt, DevTokenRequest request, DateTime? now = null)
    {
        var issuedAt = now ?? DateTime.UtcNow;
        var claims = new List<Claim> { new(CallerClaims.Subject, request.Subject) };
        if (request.UserId is { } userId)
        {
            claims.Add(new Claim(CallerClaims.UserId, userId.ToString(System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer32));
        }

        if (request.Email is { } email)
        {
            claims.Add(new Claim(CallerClaims.Email, email));
            if (request.EmailVerified)
            {
                claims.Add(new Claim(CallerClaims.EmailVerified, "true", ClaimValueTypes.Boolean));
            }
        }

        claims.AddRange(request.Roles.Select(role => new Claim(jwt.RoleClaim, role)));
        var descriptor = new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + request.Lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(jwt.SigningKeyBytes()), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
