using UserSystem.Server.Hosting;

namespace UserSystem.Server.Security;

public static class RateLimitingExtensions
{
    /// <summary>The per-caller limiters and the refusal limiter, from the validated <c>RateLimit</c> section.</summary>
    public static IServiceCollection AddUserRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(configuration, RateLimitOptions.SectionName);
        services.AddSingleton<CallerRateLimiters>();
        services.AddSingleton<AuthRefusalLimiter>();
        services.AddSingleton<SelfChangeLimiter>();
        return services;
    }

    /// <summary>The per-caller limits (<see cref="CallerLimitsMiddleware"/>); goes right after <c>UseAuthorization()</c>.</summary>
    public static WebApplication UseCallerLimits(this WebApplication app)
    {
        app.UseMiddleware<CallerLimitsMiddleware>();
        return app;
    }
}
