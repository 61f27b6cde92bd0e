namespace UserSystem.Server.Security;

/// <summary>How callers prove who they are.</summary>
public enum AuthMode
{
    /// <summary>No authentication: every caller is treated as a local admin. Development environment, loopback binding and loopback Host names only.</summary>
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

    /// <summary>
    /// More base64 HS256 keys that are also accepted (not used to mint), so keys rotate with
    /// overlap: put the new key in <see cref="SigningKey"/>, keep the old one here until the
    /// tokens it signed have expired, then remove it.
    /// </summary>
    public IList<string> SigningKeys { get; } = [];

    /// <summary>The longest lifetime (exp minus iat) a token may have; longer ones are refused.</summary>
    public int MaxTokenLifetimeMinutes { get; set; } = 1440;

    /// <summary>The <c>iss</c> expected of (and written into) HS256 tokens.</summary>
    public string Issuer { get; set; } = "user-system";

    /// <summary>The <c>aud</c> every token must carry.</summary>
    public string Audience { get; set; } = "user-system";

    /// <summary>An OIDC issuer URL; its discovery document supplies the signing keys and issuer.</summary>
    public string? Authority { get; set; }

    /// <summary>Off only for a local identity provider over plain HTTP; refused in Production.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The claim holding roles; identity providers differ (<c>role</c>, <c>roles</c>, ...).</summary>
    public string RoleClaim { get; set; } = CallerClaims.Role;

    /// <summary>
    /// The claim holding the id of the caller's own user (<c>uid</c> unless the identity provider
    /// names it otherwise). When present it must be a positive id, or the token is refused.
    /// </summary>
    public string UserIdClaim { get; set; } = CallerClaims.UserId;

    public bool UsesSigningKey => AllSigningKeys.Any();

    /// <summary>Every accepted key: <see cref="SigningKey"/> first, then <see cref="SigningKeys"/>.</summary>
    public IEnumerable<string> AllSigningKeys => new[] { SigningKey }.Concat(SigningKeys).Where(key => !string.IsNullOrWhiteSpace(key))!;

    /// <summary>The key that mints development tokens: <see cref="SigningKey"/>, else the first of <see cref="SigningKeys"/>.</summary>
    public byte[] SigningKeyBytes() => Convert.FromBase64String(AllSigningKeys.FirstOrDefault() ?? string.Empty);
}
