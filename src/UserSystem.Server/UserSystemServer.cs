using Microsoft.Extensions.Options;
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
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServerHosting();
        builder.AddUserObservability();
        builder.Services
            .AddUserSecurity(builder.Configuration)
            .AddUserRateLimiting(builder.Configuration)
            .AddUserStorage(builder.Configuration)
            .AddUserHealth()
            .AddUserWeb(builder.Configuration);
        builder.Services.AddUserGrpc().AddUserJsonTranscoding();

        var app = builder.Build();
        ValidateOptions(app);
        // Web first: CORS must answer preflights before authorization refuses them (no token).
        app.UseUserWeb();
        app.UseUserSecurity();
        app.MapUserGrpc();
        app.MapUserHealth();
        app.MapUserOpenApi();
        app.MapUserObservability();
        return app;
    }

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
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }
}
