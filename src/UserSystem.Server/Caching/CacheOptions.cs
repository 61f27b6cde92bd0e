using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace UserSystem.Server.Caching;

/// <summary>The <c>Cache</c> configuration section: the <c>GetUser</c> cache.</summary>
public sealed class CacheOptions
{
    public const string SectionName = "Cache";

    public const int MaxExpirationSeconds = 86_400;

    /// <summary>Cache users read by <c>GetUser</c>; <c>false</c> reads the store on every call.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// A StackExchange.Redis connection string (<c>host:port,password=...</c>) for a second cache
    /// level shared by the instances; none by default (the in-process level only).
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>
    /// The longest an entry lives in either level. Invalidation removes changed users long
    /// before; this bounds what a lost removal (Redis unreachable) or a change nobody announced
    /// (a writer that crashed after its commit, while a long transaction holds the feed) could leave.
    /// </summary>
    [Range(1, MaxExpirationSeconds)]
    public int ExpirationSeconds { get; set; } = 300;

    public bool UsesRedis => !string.IsNullOrWhiteSpace(Redis);
}

/// <summary>The <c>Cache</c> section's annotations, checked by generated code.</summary>
[OptionsValidator]
public sealed partial class CacheOptionsAnnotationsValidator : IValidateOptions<CacheOptions>;
