using UserSystem.Server.Rpc;
using UserSystem.Server.Hosting;
using UserSystem.Server.Observability;
using UserSystem.Server.Security;
using UserSystem.Server.Storage;

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
            .AddUserGrpc()
            .AddUserHealth();

        var app = builder.Build();
        app.UseUserSecurity();
        app.MapUserGrpc();
        app.MapUserHealth();
        app.MapUserObservability();
        return app;
    }
}
