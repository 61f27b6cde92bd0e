using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace UserSystem.Server.Hosting;

public static class HealthExtensions
{
    public const string HealthPath = "/healthz";

    /// <summary>Health checks backed by a real storage read (cached briefly, <see cref="CachedStorageHealthCheck"/>), served as grpc.health.v1.Health and <c>/healthz</c>.</summary>
    public static IServiceCollection AddUserHealth(this IServiceCollection services)
    {
        // One cached instance: a check registered by type would be created anew for every probe.
        services.AddSingleton<CachedStorageHealthCheck>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            "storage", provider => provider.GetRequiredService<CachedStorageHealthCheck>(), failureStatus: null, tags: null));
        services.AddGrpcHealthChecks(options =>
        {
            // "" is the whole server; "user.UserService" is the service, both backed by storage.
            options.Services.Map(string.Empty, _ => true);
            options.Services.Map("user.UserService", _ => true);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapUserHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcHealthChecksService();
        endpoints.MapHealthChecks(HealthPath);
        return endpoints;
    }
}
