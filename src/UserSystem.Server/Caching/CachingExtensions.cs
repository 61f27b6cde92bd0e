using Microsoft.Extensions.Caching.Hybrid;
using UserSystem.Server.Consistency;
using UserSystem.Server.Hosting;
using UserSystem.Server.Storage;

namespace UserSystem.Server.Caching;

public static class CachingExtensions
{
    /// <summary>The prefix of every key this server puts into Redis, so it can share a Redis with others.</summary>
    public const string RedisInstanceName = "user-system:";

    /// <summary>
    /// Registers the user cache: HybridCache in process, Redis as its second level when
    /// <c>Cache:Redis</c> is set, and the subscribers to change notices and to the change feed
    /// that keep both coherent. Call it
    /// after <c>AddUserStorage</c>: <see cref="IUserStore"/> becomes <see cref="CachingUserStore"/>
    /// over the engine's store, which stays available under <see cref="CachingUserStore.Uncached"/>.
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
        DecorateStore(services);
        if (options.Enabled)
        {
            services.AddSingleton<IChangeFeedSubscriber, UserCacheInvalidator>();
            services.AddSingleton<IChangeNoticeSubscriber, UserCacheNotices>();
        }

        return services;
    }

    // The engine's registration moves under the Uncached key, whatever its form (a factory in the
    // server, an instance in tests); IUserStore is then the caching store over it.
    private static void DecorateStore(IServiceCollection services)
    {
        var engine = services.LastOrDefault(service => service.ServiceType == typeof(IUserStore) && !service.IsKeyedService)
            ?? throw new InvalidOperationException("AddUserCache needs an IUserStore: call AddUserStorage first.");
        services.Remove(engine);
        services.Add(engine switch
        {
            { ImplementationInstance: { } instance } => new ServiceDescriptor(typeof(IUserStore), CachingUserStore.Uncached, instance),
            { ImplementationFactory: { } factory } => new ServiceDescriptor(
                typeof(IUserStore), CachingUserStore.Uncached, (provider, _) => factory(provider), engine.Lifetime),
            _ => new ServiceDescriptor(typeof(IUserStore), CachingUserStore.Uncached, engine.ImplementationType!, engine.Lifetime),
        });
        services.AddSingleton<IUserStore>(provider => new CachingUserStore(
            provider.GetRequiredKeyedService<IUserStore>(CachingUserStore.Uncached), provider.GetRequiredService<UserCache>(),
            provider.GetService<IConsistencySource>() ?? new SingleCopyConsistency()));
    }
}
