using Microsoft.Extensions.Options;
using UserSystem.Server.Caching;
using UserSystem.Server.Rpc;
using UserSystem.Server.Hosting;
using UserSystem.Server.Observability;
using UserSystem.Server.Security;
using UserSystem.Server.Storage;
using UserSystem.Server.OpenApi;
using UserSystem.Server.Web;

namespace UserSystem.Server;

/// <summary>The whole server's composition, shared by <c>Program</c> and the tests.</summary>
public static class UserSystemServer
{
    /// <param name="args">Command-line arguments (configuration, <c>--Section:Key=value</c>).</param>
    /// <param name="configure">Runs after the server's own registrations (tests add probes here).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = CreateBuilder(args);
        builder.AddServerHosting();
        builder.AddUserObservability();
        builder.Services
            .AddUserForwardedHeaders(builder.Configuration)
            .AddUserSecurity(builder.Configuration)
            .AddUserTokenCache()
            .AddUserRateLimiting(builder.Configuration)
            .AddUserStorage(builder.Configuration)
            .AddUserCache(builder.Configuration)
            .AddUserHealth()
            .AddUserWeb(builder.Configuration);
        builder.Services.AddUserGrpc().AddUserJsonTranscoding();

        configure?.Invoke(builder);
        var app = builder.Build();
        ValidateOptions(app);
        // Forwarded headers first, so everything after sees the client's address (known proxies only).
        // Then the request context, so every answer (a refusal included) has its headers and log scope;
        // then web: CORS must answer preflights before authorization refuses them (no token).
        app.UseUserForwardedHeaders();
        app.UseRequestContext();
        app.UseUserWeb();
        app.UseUserSecurity();
        app.UseCallerLimits();
        app.UseRestRequestCheck();
        app.MapUserGrpc();
        app.MapUserHealth();
        app.MapUserOpenApi();
        app.MapUserObservability();
        return app;
    }

    /// <summary>
    /// The builder with the server's configuration sources. The content root is the directory of
    /// the server's own files, not the working directory: started from anywhere else (a service
    /// manager, a script), the default would miss appsettings.json and silently run without its
    /// settings (every ASP.NET Core request line logged, for one). Relative paths in settings
    /// (the SQLite file) stay relative to the working directory.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args) =>
        WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

    // Every section at once, before the middleware below reads some of them, so one start reports
    // every bad setting (the host would validate them again at start, from the same cache).
    private static void ValidateOptions(WebApplication app)
    {
        try
        {
            app.Services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch
        {
            // Build is synchronous (Program and the tests call it as is), so this path waits for the
            // disposal. That cannot deadlock: the host never started (no hosted service ran, nothing
            // is in flight), and the hosting and DI libraries await with ConfigureAwait(false), so no
            // continuation needs this thread or a synchronization context. Host.Dispose() does the same.
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }
}
