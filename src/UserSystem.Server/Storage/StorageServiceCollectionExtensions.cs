using Microsoft.Extensions.Options;
using UserSystem.Server.Consistency;
using UserSystem.Server.Hosting;
using UserSystem.Server.Observability;
using UserSystem.Server.Storage.Postgres;
using UserSystem.Server.Storage.Sqlite;

namespace UserSystem.Server.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the configured user store, its migrations at start and its options.</summary>
    public static IServiceCollection AddUserStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StorageOptions>(configuration, StorageOptions.SectionName)
            .Configure(options => options.PostgresConnectionString = configuration.GetConnectionString(StorageProviders.Postgres))
            .ValidateWith<StorageOptions, StorageOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        // Npgsql's data sources are registered while composing, so they need the connection
        // string now; without one, validation at start names the missing setting.
        var postgres = configuration.GetConnectionString(StorageProviders.Postgres);
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            PostgresDataSources.AddPostgresDataSources(services, postgres);
        }

        services.AddSingleton<IUserStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            var time = provider.GetRequiredService<TimeProvider>();
            return options.UsesPostgres
                ? new PostgresUserStore(
                    provider.GetRequiredService<PostgresDataSources>(),
                    time,
                    provider.GetRequiredService<ILogger<PostgresUserStore>>(),
                    provider.GetServices<IChangeNoticeSubscriber>(),
                    provider.GetRequiredService<PostgresReadRouter>())
                : new SqliteUserStore(options.Sqlite.Path, time, provider.GetRequiredService<ILogger<SqliteUserStore>>());
        });
        services.AddConsistency(configuration, usesPostgres: !string.IsNullOrWhiteSpace(postgres) && configuration.ReadForRegistration<StorageOptions>(StorageOptions.SectionName).UsesPostgres);
        services.AddValidatedOptions<EventHistoryOptions, EventHistoryOptionsValidator>(configuration, EventHistoryOptions.SectionName);
        services.AddHostedService<StorageInitializer>();
        // After the initializer: hosted services start in order, so the schema exists by then.
        services.AddHostedService<EventPruningService>();
        services.AddSingleton<EventTail>();
        services.AddSingleton<ChangeFeedFollower>();
        services.AddHostedService(provider => provider.GetRequiredService<ChangeFeedFollower>());
        return services;
    }

    /// <summary>
    /// Consistency tokens and standby reads: the <c>Storage:StandbyReads</c> options, their metrics,
    /// and what the <c>consistency-token</c> interceptor learns from the engine.
    /// </summary>
    private static void AddConsistency(this IServiceCollection services, IConfiguration configuration, bool usesPostgres)
    {
        services.AddValidatedOptions<StandbyReadOptions, StandbyReadOptionsAnnotationsValidator>(configuration, StandbyReadOptions.SectionName);
        services.AddSingleton<StandbyReadMetrics>();
        if (!usesPostgres)
        {
            services.AddSingleton<IConsistencySource, SingleCopyConsistency>();
            return;
        }

        services.AddSingleton(provider => new PostgresReadRouter(
            provider.GetRequiredService<PostgresDataSources>(),
            provider.GetRequiredService<IOptions<StandbyReadOptions>>().Value,
            provider.GetRequiredService<StandbyReadMetrics>(),
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IConsistencySource>(provider => provider.GetRequiredService<PostgresReadRouter>());
        services.AddHostedService<StandbyLagMonitor>();
    }
}
