using System.Net;
using Microsoft.Extensions.Options;
using UserSystem.Server.Hosting;

namespace UserSystem.Server.Security;

/// <summary>
/// Rejects an unsafe or incomplete <c>Auth</c> section at start: no mode; an open server outside
/// Development, off loopback or with extra Kestrel endpoints; a JWT mode with nothing to validate
/// tokens against, or whose tokens would cross the network in clear text.
/// </summary>
public sealed class AuthOptionsValidator(IHostEnvironment environment, IConfiguration configuration) : IValidateOptions<AuthOptions>
{
    /// <summary>The longest <c>Auth:Jwt:MaxTokenLifetimeMinutes</c> (one week).</summary>
    public const int MaxTokenLifetimeLimitMinutes = 7 * 24 * 60;

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
                ValidateTransport(failures);
                break;
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidateOpenMode(List<string> failures)
    {
        if (!environment.IsDevelopment())
        {
            failures.Add($"Auth:Mode=None is allowed only in the Development environment (this is {environment.EnvironmentName}): the server would be open to anyone. Configure Auth:Mode=Jwt with Auth:Jwt:SigningKey or Auth:Jwt:Authority.");
        }

        if (!IsLoopbackBind(out var bindAddress))
        {
            failures.Add($"Auth:Mode=None is allowed only when the server binds to loopback, but Server:BindAddress is {bindAddress}. Configure Auth:Mode=Jwt.");
        }

        // Kestrel adds configured endpoints next to the two the server listens on; with them the
        // open server could be reachable beyond loopback.
        var extra = configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(endpoint => endpoint.Key).ToArray();
        if (extra.Length > 0)
        {
            failures.Add($"Auth:Mode=None refuses extra Kestrel endpoints (Kestrel:Endpoints: {string.Join(", ", extra)}). Remove them or configure Auth:Mode=Jwt.");
        }
    }

    // Tokens are bearer secrets: off loopback they travel only over TLS, the server's own or a
    // proxy's that the operator vouches for with Server:BehindTlsProxy.
    private void ValidateTransport(List<string> failures)
    {
        var tls = !string.IsNullOrWhiteSpace(configuration[$"{ServerOptions.SectionName}:{nameof(ServerOptions.Tls)}:{nameof(TlsOptions.CertificatePath)}"]);
        var proxy = bool.TryParse(configuration[$"{ServerOptions.SectionName}:{nameof(ServerOptions.BehindTlsProxy)}"], out var behindProxy) && behindProxy;
        if (!tls && !proxy && !IsLoopbackBind(out var bindAddress))
        {
            failures.Add($"Auth:Mode=Jwt with Server:BindAddress={bindAddress} and no TLS would send bearer tokens in clear text. Configure Server:Tls:CertificatePath and Server:Tls:KeyPath, or set Server:BehindTlsProxy=true if a TLS-terminating proxy or mesh is the only way in.");
        }
    }

    // Read the raw setting: the Server section reports its own errors, and reading its options here would throw them twice.
    private bool IsLoopbackBind(out string bindAddress)
    {
        bindAddress = configuration[$"{ServerOptions.SectionName}:{nameof(ServerOptions.BindAddress)}"] ?? IPAddress.Loopback.ToString();
        return !IPAddress.TryParse(bindAddress, out var address) || IPAddress.IsLoopback(address);
    }

    private void ValidateJwt(List<string> failures, JwtAuthOptions jwt)
    {
        var hasAuthority = !string.IsNullOrWhiteSpace(jwt.Authority);
        if (jwt.UsesSigningKey == hasAuthority)
        {
            failures.Add("Auth:Mode=Jwt needs exactly one of Auth:Jwt:SigningKey (a base64 HS256 key, e.g. from `openssl rand -base64 32`; more in Auth:Jwt:SigningKeys while keys rotate) or Auth:Jwt:Authority (an OIDC issuer URL).");
        }

        if (jwt.UsesSigningKey && !jwt.AllSigningKeys.All(HasStrongKey))
        {
            failures.Add($"Auth:Jwt:SigningKey must be base64 and at least {JwtAuthOptions.MinSigningKeyBytes} bytes long (e.g. `openssl rand -base64 32`); so must every Auth:Jwt:SigningKeys entry.");
        }

        if (hasAuthority && !Uri.TryCreate(jwt.Authority, UriKind.Absolute, out _))
        {
            failures.Add($"Auth:Jwt:Authority '{jwt.Authority}' is not an absolute URL.");
        }

        if (hasAuthority && !jwt.RequireHttpsMetadata && environment.IsProduction())
        {
            failures.Add("Auth:Jwt:RequireHttpsMetadata=false is refused in the Production environment: signing keys fetched over plain HTTP can be replaced by anyone on the path.");
        }

        if (string.IsNullOrWhiteSpace(jwt.Audience))
        {
            failures.Add("Auth:Jwt:Audience must be set: tokens minted for another service must not be accepted here.");
        }

        if (string.IsNullOrWhiteSpace(jwt.RoleClaim))
        {
            failures.Add("Auth:Jwt:RoleClaim must name the claim that carries roles (e.g. role).");
        }

        if (string.IsNullOrWhiteSpace(jwt.UserIdClaim))
        {
            failures.Add("Auth:Jwt:UserIdClaim must name the claim that carries the caller's user id (e.g. uid).");
        }

        if (jwt.MaxTokenLifetimeMinutes is < 1 or > MaxTokenLifetimeLimitMinutes)
        {
            failures.Add($"Auth:Jwt:MaxTokenLifetimeMinutes must be between 1 and {MaxTokenLifetimeLimitMinutes} (was {jwt.MaxTokenLifetimeMinutes}).");
        }
    }

    private static bool HasStrongKey(string key)
    {
        try
        {
            return Convert.FromBase64String(key).Length >= JwtAuthOptions.MinSigningKeyBytes;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
