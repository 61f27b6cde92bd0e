using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Security;

/// <summary>
/// Bounds how many changes a non-admin makes to their own user per period
/// (<c>RateLimit:SelfChangesPerPeriod</c> per <c>RateLimit:SelfChangePeriodSeconds</c>), keyed by
/// the user changed. Each change is an event in the history; unbounded, a user could write enough
/// of them to push older events past <c>Storage:Events:MaxCount</c>. Counted per instance.
/// </summary>
public sealed class SelfChangeLimiter : IDisposable
{
    private readonly KeyedLimiters<TokenBucketRateLimiter> _changes;
    private readonly int _perPeriod;
    private readonly TimeSpan _period;

    public SelfChangeLimiter(IOptions<RateLimitOptions> options)
    {
        var limits = options.Value;
        _perPeriod = limits.SelfChangesPerPeriod;
        _period = TimeSpan.FromSeconds(limits.SelfChangePeriodSeconds);
        _changes = new KeyedLimiters<TokenBucketRateLimiter>(_ => TokenBuckets.Create(_perPeriod, _perPeriod, _period));
    }

    /// <summary>Takes one change from the user's bucket; admins are not counted.</summary>
    public void EnsureMayChange(Caller caller, int userId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsAdmin)
        {
            return;
        }

        using var lease = _changes.AttemptAcquire("user:" + userId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!lease.IsAcquired)
        {
            throw new SelfChangeLimitException(userId, _perPeriod, _period);
        }
    }

    public void Dispose() => _changes.Dispose();
}
