using Microsoft.Extensions.Caching.Hybrid;
using UserSystem.Server.Hosting;
using UserSystem.Server.Storage;

namespace UserSystem.Server.Caching;

public static class CachingExtensions
{
    /// <summary>The prefix of every key this server puts into Redis, so it can share a Redis with others.</summary>
    public const string RedisInstanceName = "user-system:";

    /// <summary>
    /// Registers the <c>GetUser</c> cache: HybridCache in process, Redis as its second level when
    /// <c>Cache:Redis</c> is set, and the change-feed subscriber that keeps both coherent.
    /// </summary>
    public static IServiceCollection AddUserCache(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<CacheOptions, CacheOptionsAnnotationsValidator>(configuration, CacheOptions.SectionName)
            .ValidateWith<CacheOptions, CacheOptionsValidator>();

        // Whether there is a second level decides the registrations, so it is read here; the
        // validator still checks the whole section at start.
        var options = configuration.ReadForRegistration<CacheOptions>(CacheOptions.SectionName);
        services.AddHybridCache(hybrid =>
            {
                var expiration = TimeSpan.FromSeconds(Math.Clamp(options.ExpirationSeconds, 1, CacheOptions.MaxExpirationSeconds));
                hybrid.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = expiration, LocalCacheExpiration = expiration };
            })
            .AddSerializer<CachedUser, CachedUserSerializer>();
        if (options.Enabled && options.UsesRedis)
        {
            // HybridCache uses the registered IDistributedCache as its second level.
            services.AddStackExchangeRedisCache(redis =>
            {
                redis.Configuration = options.Redis;
                redis.InstanceName = RedisInstanceName;
            });
        }

        services.AddSingleton<InvalidationClock>();
        services.AddSingleton<UserCache>();
        if (options.Enabled)
        {
            services.AddSingleton<IChangeFeedSubscriber, UserCacheInvalidator>();
        }

        return services;
    }
}
