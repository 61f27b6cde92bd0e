using System.Net;
using Microsoft.Extensions.Options;
using UserSystem.Server.Hosting;

namespace UserSystem.Server.Security;

/// <summary>
/// Rejects an unsafe or incomplete <c>Auth</c> section at start: no mode, an open server in
/// Production or off loopback, a JWT mode with nothing to validate tokens against.
/// </summary>
public sealed class AuthOptionsValidator(IHostEnvironment environment, IConfiguration configuration) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        switch (options.Mode)
        {
            case null:
                failures.Add("Auth:Mode is not set. Set Auth:Mode=Jwt with Auth:Jwt:SigningKey or Auth:Jwt:Authority, or Auth:Mode=None for local development on loopback.");
                break;
            case AuthMode.None:
                ValidateOpenMode(failures);
                break;
            case AuthMode.Jwt:
                ValidateJwt(failures, options.Jwt);
                break;
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidateOpenMode(List<string> failures)
    {
        if (environment.IsProduction())
        {
            failures.Add("Auth:Mode=None is refused in the Production environment: the server would be open to anyone. Configure Auth:Mode=Jwt with Auth:Jwt:SigningKey or Auth:Jwt:Authority.");
        }

        // Read the raw setting: the Server section reports its own errors, and reading its options here would throw them twice.
        var bindAddress = configuration[$"{ServerOptions.SectionName}:{nameof(ServerOptions.BindAddress)}"] ?? IPAddress.Loopback.ToString();
        if (IPAddress.TryParse(bindAddress, out var address) && !IPAddress.IsLoopback(address))
        {
            failures.Add($"Auth:Mode=None is allowed only when the server binds to loopback, but Server:BindAddress is {bindAddress}. Configure Auth:Mode=Jwt.");
        }
    }

    private static void ValidateJwt(List<string> failures, JwtAuthOptions jwt)
    {
        var hasAuthority = !string.IsNullOrWhiteSpace(jwt.Authority);
        if (jwt.UsesSigningKey == hasAuthority)
        {
            failures.Add("Auth:Mode=Jwt needs exactly one of Auth:Jwt:SigningKey (a base64 HS256 key, e.g. from `openssl rand -base64 32`) or Auth:Jwt:Authority (an OIDC issuer URL).");
        }

        if (jwt.UsesSigningKey && !HasStrongKey(jwt))
        {
            failures.Add($"Auth:Jwt:SigningKey must be base64 and at least {JwtAuthOptions.MinSigningKeyBytes} bytes long (e.g. `openssl rand -base64 32`).");
        }

        if (hasAuthority && !Uri.TryCreate(jwt.Authority, UriKind.Absolute, out _))
        {
            failures.Add($"Auth:Jwt:Authority '{jwt.Authority}' is not an absolute URL.");
        }

        if (string.IsNullOrWhiteSpace(jwt.Audience))
        {
            failures.Add("Auth:Jwt:Audience must be set: tokens minted for another service must not be accepted here.");
        }

        if (string.IsNullOrWhiteSpace(jwt.RoleClaim))
        {
            failures.Add("Auth:Jwt:RoleClaim must name the claim that carries roles (e.g. role).");
        }
    }

    private static bool HasStrongKey(JwtAuthOptions jwt)
    {
        try
        {
            return jwt.SigningKeyBytes().Length >= JwtAuthOptions.MinSigningKeyBytes;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
