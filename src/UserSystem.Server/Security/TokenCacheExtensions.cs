using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace UserSystem.Server.Security;

public static class TokenCacheExtensions
{
    /// <summary>Wraps the JWT bearer handler's token handlers in <see cref="CachingTokenHandler"/>.</summary>
    public static IServiceCollection AddUserTokenCache(this IServiceCollection services)
    {
        services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, bearer =>
        {
            for (var i = 0; i < bearer.TokenHandlers.Count; i++)
            {
                if (bearer.TokenHandlers[i] is not CachingTokenHandler)
                {
                    bearer.TokenHandlers[i] = new CachingTokenHandler(bearer.TokenHandlers[i], bearer.TimeProvider ?? TimeProvider.System);
                }
            }
        });
        return services;
    }
}
