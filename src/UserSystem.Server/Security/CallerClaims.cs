namespace UserSystem.Server.Security;

/// <summary>The token claims the server reads. They keep their JWT names (inbound claim mapping is off).</summary>
public static class CallerClaims
{
    /// <summary>Who the caller is: the rate-limit partition and the audit actor.</summary>
    public const string Subject = "sub";

    /// <summary>
    /// The id of the caller's own user (the default of <c>Auth:Jwt:UserIdClaim</c>; a token whose
    /// configured claim is present but not a positive id is refused).
    /// </summary>
    public const string UserId = "uid";

    /// <summary>
    /// Binds the caller to the user with this email (canonical form, <see cref="UserSystem.Validation.EmailKeys"/>)
    /// when there is no <c>uid</c>, and only when <see cref="EmailVerified"/> is true.
    /// </summary>
    public const string Email = "email";

    /// <summary>OIDC's <c>email_verified</c>: an unverified email never binds a caller to a user.</summary>
    public const string EmailVerified = "email_verified";

    public const string Role = "role";

    /// <summary>The role that may do everything.</summary>
    public const string AdminRole = "admin";
}
