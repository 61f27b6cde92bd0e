namespace UserSystem.Server.Security;

/// <summary>The token claims the server reads. They keep their JWT names (inbound claim mapping is off).</summary>
public static class CallerClaims
{
    /// <summary>Who the caller is: the rate-limit partition and the audit actor.</summary>
    public const string Subject = "sub";

    /// <summary>The id of the caller's own user, when the identity provider knows it.</summary>
    public const string UserId = "uid";

    /// <summary>Binds the caller to the user with this email (case-insensitive) when there is no <c>uid</c>.</summary>
    public const string Email = "email";

    public const string Role = "role";

    /// <summary>The role that may do everything.</summary>
    public const string AdminRole = "admin";
}
