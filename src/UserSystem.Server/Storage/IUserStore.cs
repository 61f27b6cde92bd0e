using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage;

/// <summary>
/// Durable user storage. Every engine implements this contract and passes the same
/// contract test suite; engine errors surface as <see cref="UserDomainException"/>s.
/// </summary>
public interface IUserStore
{
    /// <summary>Creates or upgrades the schema; safe to call on every start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Stores a valid new user as <see cref="AccountStatus.Active"/>.</summary>
    /// <exception cref="DuplicateEmailException">The email is taken.</exception>
    Task<UserAccount> CreateAsync(NewUser user, CancellationToken cancellationToken);

    /// <summary>
    /// Stores every user of the sequence, or none: an exception from the sequence, a
    /// duplicate email or cancellation leaves no trace. The sequence is consumed once and
    /// never held in memory whole.
    /// </summary>
    /// <exception cref="DuplicateEmailException">An item's email is taken or repeated; names its position.</exception>
    Task<BatchCreateResult> CreateBatchAsync(IAsyncEnumerable<NewUser> users, CancellationToken cancellationToken);

    Task<UserAccount?> FindAsync(int id, CancellationToken cancellationToken);

    /// <summary>Users in id order, skipping <paramref name="offset"/>, with the total count.</summary>
    Task<UserPage> ListAsync(long offset, int limit, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> users with ids above <paramref name="afterId"/>, in id order (keyset paging).</summary>
    Task<IReadOnlyList<UserAccount>> ListAfterAsync(int afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Throws when the store cannot serve reads.</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken);
}
