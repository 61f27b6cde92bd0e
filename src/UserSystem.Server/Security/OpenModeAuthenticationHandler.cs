using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace UserSystem.Server.Security;

/// <summary>
/// <c>Auth:Mode=None</c>: signs every caller in as an admin without a subject, so the same
/// <c>[Authorize]</c> policies run in both modes and rate limits fall back to the peer address.
/// </summary>
public sealed class OpenModeAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Open";

    // A new principal per request: principals are mutable, and one shared instance would leak changes between calls.
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var localAdmin = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(CallerClaims.Role, CallerClaims.AdminRole)], SchemeName, CallerClaims.Subject, CallerClaims.Role));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(localAdmin, SchemeName)));
    }
}
