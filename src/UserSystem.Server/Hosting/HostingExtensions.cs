using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace UserSystem.Server.Hosting;

public static class HostingExtensions
{
    /// <summary>
    /// Binds and validates the <c>Server</c> and <c>Limits</c> sections and sets up Kestrel's two
    /// endpoints: gRPC (HTTP/2 only, so h2c works without TLS) and HTTP (HTTP/1.1 and HTTP/2),
    /// both with TLS (and mutual TLS) when <c>Server:Tls</c> names a certificate.
    /// </summary>
    public static WebApplicationBuilder AddServerHosting(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ServerOptions>().Bind(builder.Configuration.GetSection(ServerOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>();
        services.AddSingleton<IValidateOptions<ServerOptions>, TlsOptionsValidator>();
        services.AddOptions<LimitsOptions>().Bind(builder.Configuration.GetSection(LimitsOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LimitsOptions>, LimitsOptionsValidator>();

        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServerOptions>>((kestrel, server) =>
        {
            var options = server.Value;
            // Reading .Value has already run ServerOptionsValidator, so the address parses.
            var address = IPAddress.Parse(options.BindAddress);
            var tls = ServerTls.Load(options.Tls);
            kestrel.Listen(address, options.GrpcPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                tls?.Apply(listen);
            });
            kestrel.Listen(address, options.HttpPort, listen =>
            {
                // With TLS, ALPN lets one port offer both; without it, Kestrel serves HTTP/1.1 only here.
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                tls?.Apply(listen);
            });
        });
        services.AddOptions<HostOptions>().Configure<IOptions<ServerOptions>>((host, server) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(server.Value.ShutdownTimeoutSeconds));
        return builder;
    }
}
