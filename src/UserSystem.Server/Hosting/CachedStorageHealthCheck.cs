using Microsoft.Extensions.Diagnostics.HealthChecks;
using UserSystem.Server.Storage;

namespace UserSystem.Server.Hosting;

/// <summary>
/// The storage health check, run at most once per <see cref="CacheDuration"/>: <c>/healthz</c> and
/// grpc.health.v1 answer anonymous callers, and without a cache every probe would be a database
/// query anyone can make. Concurrent probes share one check; results (healthy or not) are kept
/// for the cache duration, so an outage shows within about two seconds.
/// </summary>
public sealed class CachedStorageHealthCheck(IUserStore store, TimeProvider time) : IHealthCheck
{
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(2);

    private readonly StorageHealthCheck _inner = new(store);
    private readonly Lock _gate = new();
    private Task<HealthCheckResult>? _current;
    private long _checkedAt;
    private long _checks;

    /// <summary>How many times the store has really been asked (for tests and diagnostics).</summary>
    public long Checks => Interlocked.Read(ref _checks);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            if (_current is null || (_current.IsCompleted && time.GetElapsedTime(_checkedAt, now) >= CacheDuration))
            {
                _checkedAt = now;
                Interlocked.Increment(ref _checks);
                // Not the probe's token: one caller hanging up must not fail the check the others share.
                _current = _inner.CheckHealthAsync(context, CancellationToken.None);
            }

            return _current.WaitAsync(cancellationToken);
        }
    }
}
