using Microsoft.Extensions.Options;
using UserSystem.Server.Storage.Sqlite;

namespace UserSystem.Server.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the configured user store, its migrations at start and its options.</summary>
    public static IServiceCollection AddUserStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IUserStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            return new SqliteUserStore(options.Sqlite.Path, provider.GetRequiredService<TimeProvider>());
        });
        services.AddHostedService<StorageInitializer>();
        return services;
    }
}
