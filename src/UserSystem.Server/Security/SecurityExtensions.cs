using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using UserSystem.Server.Hosting;

namespace UserSystem.Server.Security;

public static class SecurityExtensions
{
    /// <summary>The Host names <c>Auth:Mode=None</c> answers (any port); every other Host gets 400.</summary>
    public static readonly IReadOnlyList<string> LoopbackHostNames = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>
    /// ASP.NET Core authentication (JWT bearer, or the open loopback mode) and the authorization
    /// policies of <see cref="AuthPolicies"/>, configured from the validated <c>Auth</c> section.
    /// </summary>
    public static IServiceCollection AddUserSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AuthOptions>(configuration, AuthOptions.SectionName).ValidateWith<AuthOptions, AuthOptionsValidator>();
        services.AddHostedService<AuthModeStartupLog>();

        // The open scheme exists only when Auth:Mode=None is configured (read raw here: schemes are
        // registered before options are validated, and a bad mode fails validation at start anyway).
        var openMode = Enum.TryParse<AuthMode>(configuration[$"{AuthOptions.SectionName}:{nameof(AuthOptions.Mode)}"], ignoreCase: true, out var mode) && mode == AuthMode.None;
        var authentication = services.AddAuthentication(openMode ? OpenModeAuthenticationHandler.SchemeName : JwtBearerDefaults.AuthenticationScheme);
        if (openMode)
        {
            authentication.AddScheme<AuthenticationSchemeOptions, OpenModeAuthenticationHandler>(OpenModeAuthenticationHandler.SchemeName, _ => { });
            // DNS rebinding: a web page on evil.example whose name resolves to 127.0.0.1 must not
            // reach the open server through the visitor's browser, so only loopback names are answered.
            services.PostConfigure<HostFilteringOptions>(hosts =>
            {
                hosts.AllowedHosts = [.. LoopbackHostNames];
                hosts.AllowEmptyHosts = false;
                hosts.IncludeFailureMessage = true;
            });
        }
        else
        {
            authentication.AddJwtBearer();
            services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<AuthOptions>>((bearer, auth) =>
                ConfigureBearer(bearer, auth.Value.Jwt));
        }

        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(CallerClaims.AdminRole))
            .AddPolicy(AuthPolicies.SelfOrAdmin, policy => policy.RequireAuthenticatedUser().RequireAssertion(context =>
                context.User.IsInRole(CallerClaims.AdminRole)
                || (context.Resource is HttpContext http ? http.GetCaller() : CallerContextExtensions.FromPrincipal(context.User)).IsBoundToUser));
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
        // Nothing reads the raw token back (GetTokenAsync), so don't copy it into every request's properties.
        bearer.SaveToken = false;
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
        bearer.Events = new JwtBearerEvents { OnTokenValidated = context => TokenRules.OnTokenValidated(context, jwt) };
        if (jwt.UsesSigningKey)
        {
            bearer.TokenValidationParameters.ValidIssuer = jwt.Issuer;
            // Every configured key validates (rotation with overlap); tokens without a kid try each.
            bearer.TokenValidationParameters.IssuerSigningKeys = [.. jwt.AllSigningKeys.Select(key => new SymmetricSecurityKey(Convert.FromBase64String(key)))];
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
