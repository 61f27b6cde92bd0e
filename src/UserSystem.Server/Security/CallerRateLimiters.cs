using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace UserSystem.Server.Security;

/// <summary>The per-caller limiters: a token bucket of calls and a concurrency limit on streams.</summary>
public sealed class CallerRateLimiters : IDisposable
{
    public CallerRateLimiters(IOptions<RateLimitOptions> options)
    {
        var limits = options.Value;
        ReplenishmentPeriod = TimeSpan.FromSeconds(limits.ReplenishmentPeriodSeconds);
        Calls = new KeyedLimiters<TokenBucketRateLimiter>(_ => TokenBuckets.Create(limits.BurstLimit, limits.TokensPerPeriod, ReplenishmentPeriod));
        // No queue: a stream over the limit is refused at once, the client decides when to retry.
        Streams = new KeyedLimiters<ConcurrencyLimiter>(_ => new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = limits.MaxConcurrentStreams,
            QueueLimit = 0,
        }));
        MaxConcurrentStreams = limits.MaxConcurrentStreams;
    }

    public KeyedLimiters<TokenBucketRateLimiter> Calls { get; }

    public KeyedLimiters<ConcurrencyLimiter> Streams { get; }

    public TimeSpan ReplenishmentPeriod { get; }

    public int MaxConcurrentStreams { get; }

    /// <summary>
    /// The token's subject, else the peer's address (<see cref="PeerAddress"/>: port excluded, IPv6
    /// by /64). An endpoint that needs no authorization (health, reflection) is keyed by the address
    /// alone, in buckets of its own: whoever calls it, a busy caller never starves the probes, and
    /// one address cannot flood them.
    /// </summary>
    public static string PartitionOf(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IAuthorizeData>() is null)
        {
            return "anon:" + PeerAddress.KeyOf(context);
        }

        // The caller read once per request (the audit line and the log scope read it too), not the claims again.
        var subject = context.GetCaller().Subject;
        return subject is not null ? "sub:" + subject : "ip:" + PeerAddress.KeyOf(context);
    }

    public void Dispose()
    {
        Calls.Dispose();
        Streams.Dispose();
    }
}
