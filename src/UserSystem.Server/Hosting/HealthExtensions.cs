using UserSystem.Server.Storage;

namespace UserSystem.Server.Hosting;

public static class HealthExtensions
{
    public const string HealthPath = "/healthz";

    /// <summary>Health checks backed by a real storage read, served as grpc.health.v1.Health and <c>/healthz</c>.</summary>
    public static IServiceCollection AddUserHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage");
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
