using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using UserSystem.Server.Hosting;

namespace UserSystem.Server.Security;

public static class SecurityExtensions
{
    /// <summary>
    /// ASP.NET Core authentication (JWT bearer, or the open loopback mode) and the authorization
    /// policies of <see cref="AuthPolicies"/>, configured from the validated <c>Auth</c> section.
    /// </summary>
    public static IServiceCollection AddUserSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AuthOptions>(configuration, AuthOptions.SectionName).ValidateWith<AuthOptions, AuthOptionsValidator>();
        services.AddHostedService<AuthModeStartupLog>();

        // Both schemes are registered; the validated mode picks the default when options are first read.
        services.AddAuthentication()
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, OpenModeAuthenticationHandler>(OpenModeAuthenticationHandler.SchemeName, _ => { });
        services.AddOptions<AuthenticationOptions>().Configure<IOptions<AuthOptions>>((authentication, auth) =>
            authentication.DefaultScheme = auth.Value.Mode == AuthMode.Jwt ? JwtBearerDefaults.AuthenticationScheme : OpenModeAuthenticationHandler.SchemeName);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<AuthOptions>>((bearer, auth) =>
            ConfigureBearer(bearer, auth.Value.Jwt));

        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(CallerClaims.AdminRole))
            .AddPolicy(AuthPolicies.SelfOrAdmin, policy => policy.RequireAuthenticatedUser().RequireAssertion(context =>
                context.User.IsInRole(CallerClaims.AdminRole) ||
                context.User.HasClaim(claim => claim.Type is CallerClaims.UserId or CallerClaims.Email)));
        return services;
    }

    public static WebApplication UseUserSecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    private static void ConfigureBearer(JwtBearerOptions bearer, JwtAuthOptions jwt)
    {
        // Keep claim names as they are in the token ("sub", "uid", "role"), not .NET's long URIs.
        bearer.MapInboundClaims = false;
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            NameClaimType = CallerClaims.Subject,
            RoleClaimType = jwt.RoleClaim,
            ValidateAudience = true,
            ValidAudience = jwt.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
        if (jwt.UsesSigningKey)
        {
            bearer.TokenValidationParameters.ValidIssuer = jwt.Issuer;
            bearer.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(jwt.SigningKeyBytes());
            bearer.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
        else
        {
            // The issuer and signing keys come from the authority's discovery document.
            bearer.Authority = jwt.Authority;
            bearer.Audience = jwt.Audience;
            bearer.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
        }
    }
}
