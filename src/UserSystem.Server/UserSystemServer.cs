using UserSystem.Server.Rpc;
using UserSystem.Server.Hosting;
using UserSystem.Server.Storage;

namespace UserSystem.Server;

/// <summary>The whole server's composition, shared by <c>Program</c> and the tests.</summary>
public static class UserSystemServer
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServerHosting();
        builder.Services
            .AddUserStorage(builder.Configuration)
            .AddUserGrpc()
            .AddUserHealth();

        var app = builder.Build();
        app.MapUserGrpc();
        app.MapUserHealth();
        return app;
    }
}
