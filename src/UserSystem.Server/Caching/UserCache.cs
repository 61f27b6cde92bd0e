using System.Globalization;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using UserSystem.Server.Domain;
using UserSystem.Server.Storage;

namespace UserSystem.Server.Caching;

/// <summary>
/// Users by id for <see cref="CachingUserStore"/>, from HybridCache (in process, and Redis when configured) or the
/// store. Only data is cached: callers still authorize every call and map the status (a suspended
/// account is cached as suspended). Missing users are not cached, so a create needs no removal.
/// </summary>
/// <remarks>
/// Coherence: every write on this instance, through <see cref="CachingUserStore"/>, calls
/// <see cref="InvalidateAsync(int)"/> before it answers (read-your-writes);
/// <see cref="UserCacheNotices"/> invalidates what other instances announce as they commit, and
/// <see cref="UserCacheInvalidator"/> every change the feed reports from any instance (the
/// backstop). <see cref="InvalidationClock"/> refuses entries read before the last invalidation,
/// so a read racing a write cannot put the old value back; while a change could go unheard the
/// cache is bypassed.
/// </remarks>
public sealed class UserCache(
    HybridCache cache, InvalidationClock clock, [FromKeyedServices(CachingUserStore.Uncached)] IUserStore store, IOptions<CacheOptions> options, ILogger<UserCache> logger)
{
    // Lookups only: on a miss the store is read here, stamped, and stored with SetAsync.
    private static readonly HybridCacheEntryOptions LookupOnly = new() { Flags = HybridCacheEntryFlags.DisableUnderlyingData };

    private readonly bool _enabled = options.Value.Enabled;

    public async ValueTask<UserAccount?> FindAsync(int id, CancellationToken cancellationToken)
    {
        if (!_enabled || !clock.IsTrusted)
        {
            return await store.FindAsync(id, cancellationToken);
        }

        var key = Key(id);
        CachedUser? cached = null;
        try
        {
            cached = await cache.GetOrCreateAsync<CachedUser?>(key, static _ => ValueTask.FromResult<CachedUser?>(null), LookupOnly, cancellationToken: cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            CacheLog.CacheFailed(logger, id, exception);
        }

        if (cached is not null && clock.IsCurrent(id, cached.ReadAt))
        {
            return cached.Account;
        }

        var readAt = clock.Now();
        var account = await store.FindAsync(id, cancellationToken);
        if (account is not null && clock.IsCurrent(id, readAt))
        {
            await QuietlyAsync(id, () => cache.SetAsync(key, new CachedUser(account, readAt), cancellationToken: CancellationToken.None));
        }
        else if (cached is not null)
        {
            // Refused as too old (or the user is gone): take it out of Redis too.
            await QuietlyAsync(id, () => cache.RemoveAsync(key, CancellationToken.None));
        }

        return account;
    }

    /// <summary>Forgets <paramref name="id"/> here and in Redis. Call it after a change commits, before answering.</summary>
    public ValueTask InvalidateAsync(int id) => InvalidateAsync([id]);

    /// <inheritdoc cref="InvalidateAsync(int)"/>
    public async ValueTask InvalidateAsync(IReadOnlyCollection<int> ids)
    {
        if (!_enabled || ids.Count == 0)
        {
            return;
        }

        // The clock first: from here on this instance refuses old entries even if a removal fails.
        foreach (var id in ids)
        {
            clock.Invalidate(id);
        }

        await QuietlyAsync(ids.First(), () => cache.RemoveAsync(ids.Select(Key), CancellationToken.None));
    }

    internal static string Key(int id) => "user:" + id.ToString(CultureInfo.InvariantCulture);

    // A cache that fails (Redis down) must not fail the call: the store has the truth, and the
    // clock still refuses what could not be removed.
    private async ValueTask QuietlyAsync(int id, Func<ValueTask> action)
    {
        try
        {
            await action();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            CacheLog.CacheFailed(logger, id, exception);
        }
    }
}
