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
        services.AddHostedService<EndpointsStartupLog>();
        // The host logs a failed start with its stack trace; Program reports the expected ones
        // (a port in use, a database that cannot be opened) as one sentence and the rest in full.
        // Critical lines (a background service stopping the host) still come through.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        services.AddValidatedOptions<ServerOptions, ServerOptionsValidator>(builder.Configuration, ServerOptions.SectionName)
            .ValidateWith<ServerOptions, ServerPortsValidator>()
            .ValidateWith<ServerOptions, TlsOptionsValidator>();
        services.AddValidatedOptions<LimitsOptions, LimitsOptionsValidator>(builder.Configuration, LimitsOptions.SectionName)
            .ValidateWith<LimitsOptions, LimitsPageSizeValidator>();

        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServerOptions>>((kestrel, server) =>
        {
            // The WebApplication builds Kestrel's options as it is built, before UserSystemServer
            // validates every section at once: a bad Server section is left to that report, which
            // stops the start before anything listens.
            ServerOptions options;
            try
            {
                options = server.Value;
            }
            catch (OptionsValidationException)
            {
                return;
            }

            // The Server validators have passed, so the address parses and the TLS files load.
            var address = IPAddress.Parse(options.BindAddress);
            var tls = ServerTls.Load(options.Tls);
            kestrel.Limits.MaxConcurrentConnections = options.MaxConcurrentConnections;
            var linger = TimeSpan.FromSeconds(options.CloseLingerSeconds);
            kestrel.Listen(address, options.GrpcPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                // Outermost, before TLS: the lingering close reads the socket's own bytes. HTTP/2
                // only: an HTTP/1.1 client learns of a close from the FIN, which a linger would delay.
                listen.UseLingeringClose(linger);
                tls?.Apply(listen);
            });
            kestrel.Listen(address, options.HttpPort, listen =>
            {
                // With TLS, ALPN lets one port offer both. Without it, a port offering both serves
                // HTTP/1.1 only (and Kestrel warns at every start), so say what it can serve.
                listen.Protocols = tls is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
                tls?.Apply(listen);
            });
        });
        // The host reads HostOptions while it is built, before the options are validated (which
        // would then report only this section): read the raw setting; validation rejects a bad one next.
        services.AddOptions<HostOptions>().Configure(host => host.ShutdownTimeout = TimeSpan.FromSeconds(
            builder.Configuration.GetValue($"{ServerOptions.SectionName}:{nameof(ServerOptions.ShutdownTimeoutSeconds)}", new ServerOptions().ShutdownTimeoutSeconds)));
        return builder;
    }
}
