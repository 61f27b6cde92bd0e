using UserSystem.Server.Hosting;

namespace UserSystem.Server.Security;

public static class RateLimitingExtensions
{
    /// <summary>The per-caller limiters the rate-limit and stream interceptors share, from the validated <c>RateLimit</c> section.</summary>
    public static IServiceCollection AddUserRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(configuration, RateLimitOptions.SectionName);
        services.AddSingleton<CallerRateLimiters>();
        services.AddSingleton<AuthRefusalLimiter>();
        services.AddSingleton<CallerLimits>();
        return services;
    }
}
