using UserSystem.Server.Domain;
using UserSystem.Validation;

namespace UserSystem.Server.Storage;

/// <summary>
/// Durable user storage. Every engine implements this contract and passes the same
/// contract test suite; engine errors surface as <see cref="UserDomainException"/>s.
/// Every change commits together with its <see cref="UserEvent"/>, numbered in commit order.
/// </summary>
public interface IUserStore
{
    /// <summary>Creates or upgrades the schema; safe to call on every start, from several instances at once.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores a valid new user as <see cref="AccountStatus.Active"/>. With an <paramref name="idempotencyKey"/> that an earlier create
    /// by the same actor for the same user used, stores nothing and returns that create's user as it is now (a safe retry).
    /// </summary>
    /// <exception cref="DuplicateEmailException">The email is taken.</exception>
    /// <exception cref="InvalidInputException">The key was used by another actor or for another user.</exception>
    Task<UserAccount> CreateAsync(NewUser user, ChangeContext change, string? idempotencyKey, CancellationToken cancellationToken);

    /// <summary>
    /// Stores every user of the sequence, or none: an exception from the sequence, a
    /// duplicate email or cancellation leaves no trace. The sequence is consumed once and
    /// never held in memory whole.
    /// </summary>
    /// <exception cref="DuplicateEmailException">An item's email is taken or repeated; names its position.</exception>
    Task<BatchCreateResult> CreateBatchAsync(IAsyncEnumerable<NewUser> users, ChangeContext change, CancellationToken cancellationToken);

    /// <summary>Sets the given fields, when <paramref name="expectedVersion"/> is null or still current.</summary>
    /// <exception cref="UserNotFoundException">No such user.</exception>
    /// <exception cref="StaleEtagException">The user's version is not <paramref name="expectedVersion"/>.</exception>
    /// <exception cref="DuplicateEmailException">The new email is taken.</exception>
    Task<UserAccount> UpdateAsync(int id, UserChanges changes, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken);

    /// <inheritdoc cref="UpdateAsync"/>
    Task<UserAccount> SetStatusAsync(int id, AccountStatus status, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken);

    /// <summary>Removes the user; its email is free again.</summary>
    /// <exception cref="UserNotFoundException">No such user.</exception>
    /// <exception cref="StaleEtagException">The user's version is not <paramref name="expectedVersion"/>.</exception>
    Task DeleteAsync(int id, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken);

    Task<UserAccount?> FindAsync(int id, CancellationToken cancellationToken);

    /// <summary>Users in id order, skipping <paramref name="offset"/>, with the total count.</summary>
    Task<UserPage> ListAsync(long offset, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> users with ids above <paramref name="afterId"/> that match
    /// <paramref name="filter"/> (<see cref="UserFilter.None"/>: all), in id order (keyset paging).
    /// </summary>
    Task<IReadOnlyList<UserAccount>> ListAfterAsync(int afterId, int limit, UserFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> events with sequence numbers above <paramref name="afterSequence"/>, in order.
    /// 0 reads from the oldest event kept.
    /// </summary>
    /// <exception cref="EventHistoryPrunedException">Events after <paramref name="afterSequence"/> (> 0) were pruned.</exception>
    Task<IReadOnlyList<UserEvent>> ReadEventsAsync(long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Where the event history ends: the newest event a reader can be given now (where a watcher
    /// "from now" starts), and the newest committed one (what the feed-lag metric compares with).
    /// </summary>
    Task<EventLogEnd> GetEventLogEndAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the events <paramref name="retention"/> no longer covers, oldest first, in small
    /// transactions, and remembers how far it deleted so that a reader resuming before that point
    /// gets <see cref="EventHistoryPrunedException"/>. Never deletes the newest event. Returns how many it deleted.
    /// </summary>
    Task<long> PruneEventsAsync(EventRetention retention, CancellationToken cancellationToken);

    /// <summary>How many events count pruning applies to (those above the pruning watermark).</summary>
    Task<long> CountPrunableEventsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Returns once an event above <paramref name="afterSequence"/> may exist (from this or, on a
    /// shared database, any other instance), or after <paramref name="maxWait"/>. A hint only:
    /// callers re-read with <see cref="ReadEventsAsync"/>, so a lost wake-up costs latency, never events.
    /// </summary>
    Task WaitForEventsAsync(long afterSequence, TimeSpan maxWait, CancellationToken cancellationToken);

    /// <summary>
    /// Counts by status and users created per UTC day from <paramref name="firstDay"/> on, with the
    /// newest event's sequence, all from one snapshot. Exact, and not a scan of the users:
    /// PostgreSQL sums counters its writes keep, SQLite reads the index on the creation time over
    /// those days only; nothing reads the events.
    /// </summary>
    Task<UserStats> GetStatsAsync(DateOnly firstDay, CancellationToken cancellationToken);

    /// <summary>Throws when the store cannot serve reads.</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken);
}
