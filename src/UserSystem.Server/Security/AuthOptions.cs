namespace UserSystem.Server.Security;

/// <summary>How callers prove who they are.</summary>
public enum AuthMode
{
    /// <summary>No authentication: every caller is treated as a local admin. Loopback and non-Production only.</summary>
    None,

    /// <summary>A JWT bearer token on every call (HS256 development key or an OIDC authority).</summary>
    Jwt,
}

/// <summary>The <c>Auth</c> configuration section.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Unset on purpose: an operator must choose, so a forgotten setting never means "open".</summary>
    public AuthMode? Mode { get; set; }

    public JwtAuthOptions Jwt { get; set; } = new();
}

/// <summary>The <c>Auth:Jwt</c> section: either a shared HS256 signing key or an OIDC authority.</summary>
public sealed class JwtAuthOptions
{
    /// <summary>The minimum HS256 key length: RFC 7518 asks for a key at least as long as the hash (256 bits).</summary>
    public const int MinSigningKeyBytes = 32;

    /// <summary>Base64 HS256 key (e.g. <c>openssl rand -base64 32</c>); used to validate and to mint development tokens.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The <c>iss</c> expected of (and written into) HS256 tokens.</summary>
    public string Issuer { get; set; } = "user-system";

    /// <summary>The <c>aud</c> every token must carry.</summary>
    public string Audience { get; set; } = "user-system";

    /// <summary>An OIDC issuer URL; its discovery document supplies the signing keys and issuer.</summary>
    public string? Authority { get; set; }

    /// <summary>Off only for a local identity provider over plain HTTP.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The claim holding roles; identity providers differ (<c>role</c>, <c>roles</c>, ...).</summary>
    public string RoleClaim { get; set; } = CallerClaims.Role;

    public bool UsesSigningKey => !string.IsNullOrWhiteSpace(SigningKey);

    public byte[] SigningKeyBytes() => Convert.FromBase64String(SigningKey ?? string.Empty);
}
