using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using UserSystem.Server.Hosting;

namespace UserSystem.Server.Observability;

public static class ObservabilityExtensions
{
    // Npgsql's meter (connection pools, command durations) and its activity source (one span
    // per command) share this name.
    private const string NpgsqlTelemetry = "Npgsql";

    /// <summary>
    /// OpenTelemetry metrics (this service's meter, Npgsql's, ASP.NET Core, Kestrel and runtime)
    /// for a Prometheus scrape, OTLP traces (with Npgsql's commands) when a collector is configured, and JSON console logs in
    /// Production so log pipelines can parse them.
    /// </summary>
    public static WebApplicationBuilder AddUserObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<TelemetryOptions, TelemetryOptionsValidator>(builder.Configuration, TelemetryOptions.SectionName);
        builder.Services.AddSingleton<UserSystemMetrics>();
        builder.Services.AddSingleton<CallLogSampling>();
        // The health gauge and the feed lag: each measured in the background, read by the scrape.
        builder.Services.AddSingleton<IHealthCheckPublisher, HealthMetricsPublisher>();
        builder.Services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = TimeSpan.FromSeconds(1);
            options.Period = TimeSpan.FromSeconds(10);
        });
        builder.Services.AddHostedService<FeedLagMonitor>();
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("user-system", serviceVersion: RequestContext.ServerVersion))
            .WithMetrics(metrics => metrics
                .AddMeter(UserSystemMetrics.MeterName)
                .AddMeter(NpgsqlTelemetry)
                .AddAspNetCoreInstrumentation()
                // Two ASP.NET Core meters record on every request and say nothing an operator acts
                // on: the memory pool's (several measurements per call, one per buffer rented and
                // returned) and routing's match attempts (every call matches). Dropped, their
                // instruments are never enabled, which saves about 2% of a GetUser's CPU.
                .AddView("aspnetcore.memory_pool.*", MetricStreamConfiguration.Drop)
                .AddView("aspnetcore.routing.match_attempts", MetricStreamConfiguration.Drop)
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());

        // Our setting wins; else the exporter reads the standard OTEL_EXPORTER_OTLP_* variables
        // (endpoint, protocol, headers) itself, from configuration. Whether to trace is decided
        // here, while composing; the exporter's options are built after the Telemetry section is
        // validated, so the endpoint parses by then.
        var otlpEndpoint = builder.Configuration[$"{TelemetryOptions.SectionName}:{nameof(TelemetryOptions.OtlpEndpoint)}"];
        if (!string.IsNullOrWhiteSpace(otlpEndpoint))
        {
            otel.WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddSource(NpgsqlTelemetry).AddOtlpExporter(exporter => exporter.Endpoint = new Uri(otlpEndpoint)));
        }
        else if (!string.IsNullOrWhiteSpace(builder.Configuration[TelemetryOptions.StandardOtlpEndpointVariable]))
        {
            otel.WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddSource(NpgsqlTelemetry).AddOtlpExporter());
        }

        if (builder.Environment.IsProduction())
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapUserObservability(this IEndpointRouteBuilder endpoints)
    {
        var telemetry = endpoints.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        endpoints.MapPrometheusScrapingEndpoint(telemetry.MetricsPath);
        return endpoints;
    }
}
