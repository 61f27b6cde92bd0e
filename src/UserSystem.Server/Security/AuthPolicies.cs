namespace UserSystem.Server.Security;

/// <summary>
/// Authorization policy names for <c>[Authorize(Policy = ...)]</c> on RPCs. Protecting a new RPC is
/// one attribute: <see cref="Admin"/> for operations on everyone, <see cref="SelfOrAdmin"/> plus
/// <see cref="OwnerCheck.EnsureSelfOrAdmin"/> for operations on one user: <c>GetUser</c> and
/// <c>UpdateUser</c> are SelfOrAdmin plus the owner check; every other RPC is Admin (a user may not
/// change their own status, list or watch everyone).
/// </summary>
public static class AuthPolicies
{
    /// <summary>Callers with the <c>admin</c> role.</summary>
    public const string Admin = "Admin";

    /// <summary>Admins, or callers bound to a user (a <c>uid</c> or <c>email</c> claim); the owner check follows in the method.</summary>
    public const string SelfOrAdmin = "SelfOrAdmin";
}
