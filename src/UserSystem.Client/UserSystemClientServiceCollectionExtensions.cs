using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using UserSystem.Contracts;

namespace UserSystem.Client;

public static class UserSystemClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers one shared channel built from <see cref="UserSystemClientOptions"/> and the
    /// generated clients on top of it (<see cref="UserService.UserServiceClient"/>,
    /// <see cref="Health.HealthClient"/>), with default deadlines and call logging.
    /// The options are validated when the channel is first resolved.
    /// </summary>
    public static IServiceCollection AddUserSystemClient(this IServiceCollection services, Action<UserSystemClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<UserSystemClientOptions>().Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UserSystemClientOptions>, UserSystemClientOptionsValidator>());
        services.TryAddSingleton(provider => UserSystemChannelFactory.Create(
            provider.GetRequiredService<IOptions<UserSystemClientOptions>>().Value,
            provider.GetService<ILoggerFactory>()));
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<UserSystemClientOptions>>().Value;
            var loggerFactory = provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            // Intercept runs the last interceptor given first: deadlines are set before logging sees the call.
            return provider.GetRequiredService<GrpcChannel>().Intercept(
                new ClientLoggingInterceptor(loggerFactory.CreateLogger<ClientLoggingInterceptor>()),
                new DefaultDeadlineInterceptor(options.UnaryDeadline, options.StreamDeadline));
        });
        services.TryAddSingleton(provider => new UserService.UserServiceClient(provider.GetRequiredService<CallInvoker>()));
        services.TryAddSingleton(provider => new Health.HealthClient(provider.GetRequiredService<CallInvoker>()));
        return services;
    }
}
