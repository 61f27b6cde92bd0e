using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace UserSystem.Server.Observability;

public static class ObservabilityExtensions
{
    /// <summary>
    /// OpenTelemetry metrics (this service's meter, ASP.NET Core, Kestrel and runtime) for a
    /// Prometheus scrape, OTLP traces when a collector is configured, and JSON console logs in
    /// Production so log pipelines can parse them.
    /// </summary>
    public static WebApplicationBuilder AddUserObservability(this WebApplicationBuilder builder)
    {
        // Read while composing (the exporters are chosen here), so checked here rather than at start.
        var telemetry = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (!telemetry.MetricsPath.StartsWith('/'))
        {
            throw new InvalidOperationException($"Telemetry:MetricsPath must start with '/' (was '{telemetry.MetricsPath}').");
        }

        builder.Services.AddSingleton<UserSystemMetrics>();
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("user-system", serviceVersion: Rpc.Interceptors.RequestMetadataInterceptor.ServerVersion))
            .WithMetrics(metrics => metrics
                .AddMeter(UserSystemMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());

        // Our setting wins; else the exporter reads the standard OTEL_EXPORTER_OTLP_* variables
        // (endpoint, protocol, headers) itself, from configuration.
        if (!string.IsNullOrWhiteSpace(telemetry.OtlpEndpoint))
        {
            if (!Uri.TryCreate(telemetry.OtlpEndpoint, UriKind.Absolute, out var endpoint))
            {
                throw new InvalidOperationException($"Telemetry:OtlpEndpoint '{telemetry.OtlpEndpoint}' is not an absolute URL.");
            }

            otel.WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddOtlpExporter(exporter => exporter.Endpoint = endpoint));
        }
        else if (!string.IsNullOrWhiteSpace(builder.Configuration[TelemetryOptions.StandardOtlpEndpointVariable]))
        {
            otel.WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddOtlpExporter());
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

        builder.Services.AddSingleton(telemetry);
        return builder;
    }

    public static IEndpointRouteBuilder MapUserObservability(this IEndpointRouteBuilder endpoints)
    {
        var telemetry = endpoints.ServiceProvider.GetRequiredService<TelemetryOptions>();
        endpoints.MapPrometheusScrapingEndpoint(telemetry.MetricsPath);
        return endpoints;
    }
}
