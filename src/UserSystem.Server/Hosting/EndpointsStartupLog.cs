using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using UserSystem.Server.Observability;
using UserSystem.Server.Web;

namespace UserSystem.Server.Hosting;

/// <summary>
/// Once the server listens, one line per endpoint says what answers where (the ports actually
/// bound, so <c>0</c> shows the port chosen): the first thing a new user looks for in the log.
/// </summary>
public sealed partial class EndpointsStartupLog(
    IServer server,
    IHostApplicationLifetime lifetime,
    IOptions<ServerOptions> serverOptions,
    IOptions<TelemetryOptions> telemetry,
    IOptions<WebOptions> web,
    ILogger<EndpointsStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(LogEndpoints);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void LogEndpoints()
    {
        // Kestrel binds the gRPC endpoint first (HostingExtensions), and lists addresses in bind order.
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
        if (addresses.Length < 2)
        {
            return;
        }

        var grpc = addresses[0].TrimEnd('/');
        var http = addresses[1].TrimEnd('/');
        var tls = serverOptions.Value.Tls.Enabled ? "TLS" : "h2c, no TLS";
        LogGrpc(logger, grpc, tls);
        LogHttp(logger, http);
        if (web.Value.Console)
        {
            LogConsole(logger, $"{http}/");
        }

        LogProbes(logger, $"{http}/healthz", $"{http}{telemetry.Value.MetricsPath}");
    }

    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "gRPC: {Address} ({Transport})")]
    private static partial void LogGrpc(ILogger logger, string address, string transport);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "REST and gRPC-Web: {Address}/v1/users (OpenAPI at {Address}/openapi/v1.json)")]
    private static partial void LogHttp(ILogger logger, string address);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Admin console: {Url}")]
    private static partial void LogConsole(ILogger logger, string url);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Health: {HealthUrl}  Metrics: {MetricsUrl}")]
    private static partial void LogProbes(ILogger logger, string healthUrl, string metricsUrl);
}
