using System.Collections.Concurrent;
using Microsoft.IdentityModel.Tokens;

namespace UserSystem.Server.Security;

/// <summary>
/// Remembers tokens the inner handler (the JWT bearer handler's own) validated, so a caller's
/// next call skips signature validation (about 30 us). An entry lives no later than the token's
/// <c>exp</c> (the validator's clock skew is not extended to the cache), the cache holds at most
/// <see cref="MaxEntries"/> tokens, and a change of the signing keys in effect (configured keys
/// reloaded, or an authority's key set refreshed) empties it. Only valid tokens are cached;
/// each hit gets its own copy of the identity.
/// </summary>
internal sealed class CachingTokenHandler(TokenHandler inner, TimeProvider time, int maxEntries = CachingTokenHandler.DefaultMaxEntries) : TokenHandler
{
    public const int DefaultMaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, TokenValidationResult> _valid = new(StringComparer.Ordinal);
    private KeyGeneration? _keys;

    public int MaxEntries => maxEntries;

    public int Count => _valid.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var keys = await KeyGeneration.OfAsync(validationParameters).ConfigureAwait(false);
        if (!Equals(Volatile.Read(ref _keys), keys))
        {
            _valid.Clear();
            Volatile.Write(ref _keys, keys);
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (_valid.TryGetValue(token, out var cached))
        {
            if (now < cached.SecurityToken.ValidTo)
            {
                return Copy(cached);
            }

            _valid.TryRemove(token, out _);
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
        if (result.IsValid && result.SecurityToken is { } validated && validated.ValidTo != DateTime.MinValue && now < validated.ValidTo)
        {
            MakeRoom(now);
            _valid[token] = Copy(result);
        }

        return result;
    }

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    private void MakeRoom(DateTime now)
    {
        if (_valid.Count < maxEntries)
        {
            return;
        }

        foreach (var (token, entry) in _valid)
        {
            if (now >= entry.SecurityToken.ValidTo)
            {
                _valid.TryRemove(token, out _);
            }
        }

        // Still full of live tokens: start over rather than track recency on every hit.
        if (_valid.Count >= maxEntries)
        {
            _valid.Clear();
        }
    }

    private static TokenValidationResult Copy(TokenValidationResult result) => new()
    {
        IsValid = true,
        ClaimsIdentity = result.ClaimsIdentity?.Clone(),
        SecurityToken = result.SecurityToken,
        Issuer = result.Issuer,
        TokenType = result.TokenType,
        TokenContext = result.TokenContext,
    };

    /// <summary>The signing keys a validation used, compared by identity: new key objects mean new keys.</summary>
    private sealed record KeyGeneration(object? Key, object? Keys, object? AuthorityKeys)
    {
        public static async ValueTask<KeyGeneration> OfAsync(TokenValidationParameters parameters)
        {
            object? authorityKeys = null;
            if (parameters.ConfigurationManager is { } manager)
            {
                // The authority's cached discovery document; a refresh is a new object with a new key set.
                var configuration = await manager.GetBaseConfigurationAsync(CancellationToken.None).ConfigureAwait(false);
                authorityKeys = configuration?.SigningKeys;
            }

            return new KeyGeneration(parameters.IssuerSigningKey, parameters.IssuerSigningKeys, authorityKeys);
        }

        public bool Equals(KeyGeneration? other) =>
            other is not null && ReferenceEquals(Key, other.Key) && ReferenceEquals(Keys, other.Keys) && ReferenceEquals(AuthorityKeys, other.AuthorityKeys);

        public override int GetHashCode() => 0;
    }
}
