using UserSystem.Server.Domain;

namespace UserSystem.Server.Security;

/// <summary>The object-level check behind <see cref="AuthPolicies.SelfOrAdmin"/>: a caller may touch only their own user.</summary>
public static class OwnerCheck
{
    /// <summary>
    /// Throws <see cref="NotOwnerException"/> (<c>PERMISSION_DENIED</c>) unless the caller is an
    /// admin or owns the user. Call it before answering <c>NOT_FOUND</c>: a non-admin then gets the
    /// same answer whether or not another user exists, so ids cannot be probed. <paramref name="userEmail"/> is null when no such user exists.
    /// </summary>
    public static void EnsureSelfOrAdmin(this Caller caller, int userId, string? userEmail)
    {
        if (!caller.IsAdmin && !caller.Owns(userId, userEmail))
        {
            throw new NotOwnerException(userId);
        }
    }
}
