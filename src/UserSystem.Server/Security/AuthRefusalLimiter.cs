using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace UserSystem.Server.Security;

/// <summary>
/// A token bucket per peer address (<see cref="PeerAddress"/>) for calls that authentication or authorization refuses
/// (401/403, UNAUTHENTICATED/PERMISSION_DENIED). Within the bucket each refusal is audited with
/// one log line; past it the peer's further refusals are answered RESOURCE_EXHAUSTED and not logged
/// one by one, so a token-guessing client can neither flood the log nor probe at full speed.
/// Callers whose tokens are accepted never touch this bucket.
/// </summary>
public sealed class AuthRefusalLimiter : IDisposable
{
    private readonly KeyedLimiters<TokenBucketRateLimiter> _refusals;
    private long _unlogged;

    public AuthRefusalLimiter(IOptions<RateLimitOptions> options)
    {
        var limits = options.Value;
        Period = TimeSpan.FromSeconds(limits.ReplenishmentPeriodSeconds);
        _refusals = new KeyedLimiters<TokenBucketRateLimiter>(_ => TokenBuckets.Create(limits.RefusalBurstLimit, limits.RefusalsPerPeriod, Period));
    }

    public TimeSpan Period { get; }

    /// <summary>Refusals past the bucket that were answered without a log line of their own (since start).</summary>
    public long Unlogged => Interlocked.Read(ref _unlogged);

    /// <summary>Takes one refusal from the peer's bucket; false when the peer is over its limit.</summary>
    public bool TryRefuse(HttpContext context, out RateLimitLease lease)
    {
        ArgumentNullException.ThrowIfNull(context);
        lease = _refusals.AttemptAcquire(PeerAddress.KeyOf(context));
        if (lease.IsAcquired)
        {
            return true;
        }

        Interlocked.Increment(ref _unlogged);
        return false;
    }

    public void Dispose() => _refusals.Dispose();
}
