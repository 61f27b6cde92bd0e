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
    private SecurityKey[] _keys = [];

    public int MaxEntries => maxEntries;

    public int Count => _valid.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var authorityKeys = await AuthorityKeysAsync(validationParameters).ConfigureAwait(false);
        if (!SameKeys(Volatile.Read(ref _keys), validationParameters, authorityKeys))
        {
            _valid.Clear();
            Volatile.Write(ref _keys, [.. KeysOf(validationParameters, authorityKeys)]);
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

    // The authority's cached discovery document; a refresh is a new object with new key objects.
    private static async ValueTask<ICollection<SecurityKey>?> AuthorityKeysAsync(TokenValidationParameters parameters) =>
        parameters.ConfigurationManager is { } manager
            ? (await manager.GetBaseConfigurationAsync(CancellationToken.None).ConfigureAwait(false))?.SigningKeys
            : null;

    private static IEnumerable<SecurityKey> KeysOf(TokenValidationParameters parameters, ICollection<SecurityKey>? authorityKeys)
    {
        IEnumerable<SecurityKey> keys = parameters.IssuerSigningKey is { } key ? [key] : [];
        return keys.Concat(parameters.IssuerSigningKeys ?? []).Concat(authorityKeys ?? []);
    }

    // Compared key by key, by identity: the bearer handler clones its parameters (key list
    // included) for every request, but the key objects stay the same until keys are reloaded.
    // Checked on every call, so without allocating.
    private static bool SameKeys(SecurityKey[] known, TokenValidationParameters parameters, ICollection<SecurityKey>? authorityKeys)
    {
        var index = 0;
        if (parameters.IssuerSigningKey is { } key && !Next(known, ref index, key))
        {
            return false;
        }

        return SameSequence(known, ref index, parameters.IssuerSigningKeys) && SameSequence(known, ref index, authorityKeys) && index == known.Length;
    }

    private static bool SameSequence(SecurityKey[] known, ref int index, IEnumerable<SecurityKey>? keys)
    {
        if (keys is IList<SecurityKey> list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (!Next(known, ref index, list[i]))
                {
                    return false;
                }
            }

            return true;
        }

        foreach (var key in keys ?? [])
        {
            if (!Next(known, ref index, key))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Next(SecurityKey[] known, ref int index, SecurityKey key) => index < known.Length && ReferenceEquals(known[index++], key);
}
