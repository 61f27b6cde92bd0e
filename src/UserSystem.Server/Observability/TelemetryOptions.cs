using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace UserSystem.Server.Observability;

/// <summary>The <c>Telemetry</c> section.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>The standard OpenTelemetry variable, honoured when <see cref="OtlpEndpoint"/> is unset.</summary>
    public const string StandardOtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>An OTLP/gRPC collector (e.g. <c>http://localhost:4317</c>); traces are exported only when this or the standard variable is set.</summary>
    [Url]
    public string? OtlpEndpoint { get; set; }

    /// <summary>The Prometheus scrape path on the HTTP port.</summary>
    [Required]
    [RegularExpression("^/.*", ErrorMessage = "The field {0} must start with '/' (e.g. /metrics).")]
    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>
    /// Share of successful reads whose two per-call lines (call finished 1003, read audit 4102) are
    /// written; every other line (changes, failures, errors) is always written. See CallLogSampling.
    /// </summary>
    [Range(0.0, 1.0)]
    public double SuccessfulReadLogRatio { get; set; } = 0.01;
}

/// <summary>The <c>Telemetry</c> section's annotations, checked by generated code.</summary>
[OptionsValidator]
public sealed partial class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>;
