using Grpc.Core;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using UserSystem.Contracts;
using UserSystem.Server.Caching;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Caching;

/// <summary>Looks into a test server's user cache, so tests can show an entry was really cached.</summary>
internal static class CacheProbe
{
    private static readonly HybridCacheEntryOptions LookupOnly = new() { Flags = HybridCacheEntryFlags.DisableUnderlyingData };

    /// <summary>Waits until the server's cache is trusted: it follows the change feed and (PostgreSQL) hears change notices. Until then it is bypassed.</summary>
    public static Task WaitUntilTrustedAsync(TestServer server) =>
        Poll.UntilAsync(() => server.Services.GetRequiredService<InvalidationClock>().IsTrusted).DefaultTimeout();

    /// <summary>The entry the server would serve for <paramref name="id"/>: present and not refused by its clock.</summary>
    public static async Task<CachedUser?> ServedEntryAsync(TestServer server, int id)
    {
        var cache = server.Services.GetRequiredService<HybridCache>();
        var entry = await cache.GetOrCreateAsync<CachedUser?>(UserCache.Key(id), static _ => ValueTask.FromResult<CachedUser?>(null), LookupOnly).AsTask().DefaultTimeout();
        return entry is not null && server.Services.GetRequiredService<InvalidationClock>().IsCurrent(id, entry.ReadAt) ? entry : null;
    }

    /// <summary>Reads with <paramref name="read"/> until <paramref name="done"/> holds or <paramref name="within"/> passes; returns the last result.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var result = await read().DefaultTimeout();
            if (done(result) || DateTime.UtcNow >= deadline)
            {
                return result;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The status a <c>GetUser</c> of <paramref name="id"/> through <paramref name="server"/> answers (OK when it answers the user).</summary>
    public static async Task<StatusCode> StatusOfGetUserAsync(TestServer server, int id)
    {
        try
        {
            await server.Client.GetUserAsync(new GetUserRequest { Id = id }).ResponseAsync;
            return StatusCode.OK;
        }
        catch (RpcException exception)
        {
            return exception.StatusCode;
        }
    }
}
