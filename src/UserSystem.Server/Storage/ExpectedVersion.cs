using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage;

/// <summary>The precondition of every single-user change, alike on both engines.</summary>
internal static class ExpectedVersion
{
    /// <summary>
    /// The user as it is now, when it exists and <paramref name="expectedVersion"/> (null: any)
    /// is its version.
    /// </summary>
    /// <exception cref="UserNotFoundException">No such user.</exception>
    /// <exception cref="StaleEtagException">The user has another version.</exception>
    public static UserAccount Check(UserAccount? current, int id, long? expectedVersion)
    {
        if (current is null)
        {
            throw new UserNotFoundException(id);
        }

        return expectedVersion is { } expected && expected != current.Version ? throw new StaleEtagException(id) : current;
    }
}
