using UserSystem.Server.Consistency;
using UserSystem.Server.Domain;
using UserSystem.Server.Storage;
using UserSystem.Validation;

namespace UserSystem.Server.Caching;

/// <summary>
/// The store as everything but the cache sees it: <see cref="FindAsync"/> reads through
/// <see cref="UserCache"/>, and every change invalidates its user after it commits, before it
/// answers (read-your-writes on this instance; <see cref="UserCacheInvalidator"/> covers the
/// others). So no caller has to remember to invalidate. Where the truth is needed (an owner check
/// by email, the user a self-service change is checked against), the engine itself is registered
/// under <see cref="Uncached"/>.
/// </summary>
public sealed class CachingUserStore(IUserStore inner, UserCache cache, IConsistencySource consistency) : IUserStore
{
    /// <summary>The service key of the engine's own store, without the cache.</summary>
    public const string Uncached = "uncached";

    /// <summary>
    /// Through the cache, except a read with a consistency token where there are standbys: the
    /// cache cannot tell whether an entry is as new as the token, so such a read is a miss, served
    /// by a standby (see <c>PostgresReadRouter</c>), and does not fill the cache (a standby's row may
    /// be older than an invalidation this instance has already applied).
    /// </summary>
    public Task<UserAccount?> FindAsync(int id, CancellationToken cancellationToken) =>
        ConsistencyScope.Current?.Preference == ReadPreference.StandbyAtToken && consistency.HasStandbys
            ? inner.FindAsync(id, cancellationToken)
            : cache.FindAsync(id, cancellationToken).AsTask();

    public async Task<UserAccount> UpdateAsync(int id, UserChanges changes, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken)
    {
        var user = await inner.UpdateAsync(id, changes, expectedVersion, change, cancellationToken);
        await cache.InvalidateAsync(id);
        return user;
    }

    public async Task<UserAccount> SetStatusAsync(int id, AccountStatus status, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken)
    {
        var user = await inner.SetStatusAsync(id, status, expectedVersion, change, cancellationToken);
        await cache.InvalidateAsync(id);
        return user;
    }

    public async Task DeleteAsync(int id, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken)
    {
        await inner.DeleteAsync(id, expectedVersion, change, cancellationToken);
        await cache.InvalidateAsync(id);
    }

    // Creates need no invalidation: a missing user is never cached.
    public Task<UserAccount> CreateAsync(NewUser user, ChangeContext change, string? idempotencyKey, CancellationToken cancellationToken) =>
        inner.CreateAsync(user, change, idempotencyKey, cancellationToken);

    public Task<BatchCreateResult> CreateBatchAsync(IAsyncEnumerable<NewUser> users, ChangeContext change, CancellationToken cancellationToken) =>
        inner.CreateBatchAsync(users, change, cancellationToken);

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task<UserPage> ListAsync(long offset, int limit, CancellationToken cancellationToken) => inner.ListAsync(offset, limit, cancellationToken);

    public Task<IReadOnlyList<UserAccount>> ListAfterAsync(int afterId, int limit, UserFilter filter, CancellationToken cancellationToken) =>
        inner.ListAfterAsync(afterId, limit, filter, cancellationToken);

    public Task<IReadOnlyList<UserEvent>> ReadEventsAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        inner.ReadEventsAsync(afterSequence, limit, cancellationToken);

    public Task<EventLogEnd> GetEventLogEndAsync(CancellationToken cancellationToken) => inner.GetEventLogEndAsync(cancellationToken);

    public Task<long> PruneEventsAsync(EventRetention retention, CancellationToken cancellationToken) => inner.PruneEventsAsync(retention, cancellationToken);

    public Task<long> CountPrunableEventsAsync(CancellationToken cancellationToken) => inner.CountPrunableEventsAsync(cancellationToken);

    public Task WaitForEventsAsync(long afterSequence, TimeSpan maxWait, CancellationToken cancellationToken) =>
        inner.WaitForEventsAsync(afterSequence, maxWait, cancellationToken);

    public Task<UserStats> GetStatsAsync(DateOnly firstDay, CancellationToken cancellationToken) => inner.GetStatsAsync(firstDay, cancellationToken);

    public Task CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);
}
