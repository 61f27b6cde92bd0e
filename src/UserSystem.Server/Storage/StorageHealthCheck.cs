using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace UserSystem.Server.Storage;

/// <summary>Reports the store healthy only when it can really serve a read.</summary>
public sealed class StorageHealthCheck(IUserStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.CheckHealthAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The user store cannot be read.", exception);
        }
    }
}
