using Microsoft.Extensions.Options;

namespace UserSystem.Server.Security;

public static class RateLimitingExtensions
{
    /// <summary>The per-caller limiters the rate-limit and stream interceptors share, from the validated <c>RateLimit</c> section.</summary>
    public static IServiceCollection AddUserRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddSingleton<CallerRateLimiters>();
        return services;
    }
}
