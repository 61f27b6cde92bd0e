using UserSystem.Validation;

namespace UserSystem.Server.Security;

/// <summary>
/// The authenticated caller of one call, as the token describes it. <see cref="Subject"/> is null in
/// <c>Auth:Mode=None</c>, where every caller is a local admin. <see cref="Email"/> is the token's
/// email only when the token also says <c>email_verified: true</c>; otherwise it is null and the
/// caller can be bound to a user only by <see cref="UserId"/>.
/// </summary>
public sealed record Caller(string? Subject, int? UserId, string? Email, IReadOnlySet<string> Roles)
{
    public static readonly Caller Anonymous = new(null, null, null, new HashSet<string>());

    public bool IsAdmin => Roles.Contains(CallerClaims.AdminRole);

    /// <summary>The name audit records and logs use for the caller.</summary>
    public string Actor => Subject ?? (IsAdmin ? "local-admin" : "anonymous");

    /// <summary>Whether the token binds its bearer to a user (a valid uid, or a verified email).</summary>
    public bool IsBoundToUser => UserId is not null || Email is not null;

    /// <summary>Whether the caller is the owner of the user with this id and email (null when unknown).</summary>
    public bool Owns(int userId, string? userEmail) =>
        UserId == userId ||
        (UserId is null && Email is not null && userEmail is not null && EmailKeys.IsAscii(Email) && EmailKeys.For(Email) == EmailKeys.For(userEmail));
}
