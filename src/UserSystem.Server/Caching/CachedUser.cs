using System.Buffers;
using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Caching.Hybrid;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Caching;

/// <summary>
/// A cache entry: the account as stored (with its status, so a suspended user is still refused),
/// and when the read that produced it started (UTC ticks). <see cref="InvalidationClock"/>
/// rejects an entry read before the last invalidation of its user.
/// </summary>
/// <remarks>Immutable, so HybridCache keeps the instance in memory instead of bytes to deserialize per hit.</remarks>
[ImmutableObject(true)]
public sealed record CachedUser(UserAccount Account, long ReadAt);

/// <summary>JSON for the Redis level, through the source generator (no reflection).</summary>
[JsonSerializable(typeof(CachedUser))]
internal sealed partial class CachedUserJsonContext : JsonSerializerContext;

internal sealed class CachedUserSerializer : IHybridCacheSerializer<CachedUser>
{
    public CachedUser Deserialize(ReadOnlySequence<byte> source)
    {
        var reader = new Utf8JsonReader(source);
        return JsonSerializer.Deserialize(ref reader, CachedUserJsonContext.Default.CachedUser)
            ?? throw new JsonException("A cached user was stored as null.");
    }

    public void Serialize(CachedUser value, IBufferWriter<byte> target)
    {
        using var writer = new Utf8JsonWriter(target);
        JsonSerializer.Serialize(writer, value, CachedUserJsonContext.Default.CachedUser);
    }
}
