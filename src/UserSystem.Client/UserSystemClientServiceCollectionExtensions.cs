using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UserSystem.Contracts;

namespace UserSystem.Client;

public static class UserSystemClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers one shared <see cref="UserSystemConnection"/> built from
    /// <see cref="UserSystemClientOptions"/> and the generated clients on top of it
    /// (<see cref="UserService.UserServiceClient"/>, <see cref="Health.HealthClient"/>), with default
    /// deadlines and call logging. The options are validated when the connection is first resolved.
    /// </summary>
    public static IServiceCollection AddUserSystemClient(this IServiceCollection services, Action<UserSystemClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<UserSystemClientOptions>().Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UserSystemClientOptions>, UserSystemClientOptionsValidator>());
        services.TryAddSingleton(provider => new UserSystemConnection(
            provider.GetRequiredService<IOptions<UserSystemClientOptions>>().Value,
            provider.GetService<ILoggerFactory>()));
        services.TryAddSingleton(provider => new UserService.UserServiceClient(provider.GetRequiredService<UserSystemConnection>().CallInvoker));
        services.TryAddSingleton(provider => new Health.HealthClient(provider.GetRequiredService<UserSystemConnection>().CallInvoker));
        return services;
    }
}
