using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace UserSystem.Server.Observability;

/// <summary>
/// Hands each periodic health report to <see cref="UserSystemMetrics"/>, so Prometheus sees the
/// same verdict as <c>/healthz</c> without a scrape ever waiting on the database.
/// </summary>
public sealed class HealthMetricsPublisher(UserSystemMetrics metrics) : IHealthCheckPublisher
{
    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        metrics.HealthReported(report);
        return Task.CompletedTask;
    }
}
