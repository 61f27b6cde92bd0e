using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace UserSystem.Server.Security;

/// <summary>What a development token says about its bearer.</summary>
public sealed record DevTokenRequest(string Subject, int? UserId, string? Email, IReadOnlyList<string> Roles, TimeSpan Lifetime);

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
