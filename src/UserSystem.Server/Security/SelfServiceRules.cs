using UserSystem.Server.Domain;
using UserSystem.Validation;

namespace UserSystem.Server.Security;

/// <summary>
/// What a non-admin may change about their own user (after <see cref="OwnerCheck"/> has passed).
/// A suspended user may change nothing, as GetUser already refuses them. An email change needs an
/// admin: were it self-service, ALREADY_EXISTS would tell any user whether some other account holds
/// an address. Refusing every self-service change of the address answers the same whether or not
/// the address is taken, so nothing is revealed; the identity provider, which verifies addresses,
/// is where a person changes theirs, and an admin (or a sync job) follows it here.
/// </summary>
public static class SelfServiceRules
{
    public static void EnsureMayChangeSelf(this Caller caller, UserAccount? current, UserChanges changes)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(changes);
        if (caller.IsAdmin || current is null)
        {
            return;
        }

        if (current.Status == AccountStatus.Suspended)
        {
            throw new UserSuspendedException(current.Id);
        }

        // Sending the current address again (an update mask of "*") is not a change.
        if (changes.Email is { } email && EmailKeys.For(email) != EmailKeys.For(current.Email))
        {
            throw new SelfEmailChangeException(current.Id);
        }
    }
}
