using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using UserSystem.Server.Hosting;

namespace UserSystem.Server.Web;

/// <summary>
/// Keeps the gRPC port for plain gRPC. The gRPC services are mapped once and their REST, gRPC-Web
/// and console endpoints would otherwise answer on both ports; on the gRPC port a request that is
/// not <c>application/grpc</c> gets 404, so the HTTP surface has one address and one CORS story.
/// (Plain gRPC cannot reach the HTTP port by mistake: without TLS it speaks HTTP/1.1 only, which
/// grpc-dotnet refuses for gRPC.) It runs on the web branch only (<see cref="WebExtensions.UseUserWeb"/>),
/// which plain gRPC never enters.
/// </summary>
internal sealed class GrpcPortGuard(RequestDelegate next, IOptions<ServerOptions> server, IServer kestrel)
{
    private int _grpcPort = server.Value.GrpcPort;

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Connection.LocalPort == GrpcPort())
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return next(context);
    }

    // Port 0 means "any free port": the bound port is known only once Kestrel has started, and
    // Hosting configures the gRPC endpoint first, so it is the first address Kestrel reports.
    private int GrpcPort()
    {
        if (_grpcPort == 0 && kestrel.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() is { } address)
        {
            _grpcPort = new Uri(address).Port;
        }

        return _grpcPort;
    }
}
