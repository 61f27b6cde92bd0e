using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace UserSystem.Server.Security;

/// <summary>The <c>RateLimit</c> section: a token bucket of calls and a cap on open streams, per caller.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimit";

    /// <summary>Tokens added to each caller's bucket every <see cref="ReplenishmentPeriodSeconds"/>.</summary>
    [Range(1, 1_000_000)]
    public int TokensPerPeriod { get; set; } = 100;

    [Range(1, 86_400)]
    public int ReplenishmentPeriodSeconds { get; set; } = 1;

    /// <summary>The bucket size: how many calls a caller may make at once after being idle.</summary>
    [Range(1, 1_000_000)]
    public int BurstLimit { get; set; } = 200;

    /// <summary>Streaming calls one caller may have open at the same time.</summary>
    [Range(1, 100_000)]
    public int MaxConcurrentStreams { get; set; } = 8;

    /// <summary>Refused calls (no or a bad token, a forbidden call) added back to each peer address's bucket per period.</summary>
    [Range(1, 1_000_000)]
    public int RefusalsPerPeriod { get; set; } = 10;

    /// <summary>Refused calls a peer address may make at once; past it they are answered RESOURCE_EXHAUSTED and not logged one by one.</summary>
    [Range(1, 1_000_000)]
    public int RefusalBurstLimit { get; set; } = 20;

    /// <summary>
    /// Changes a non-admin may make to their own user per <see cref="SelfChangePeriodSeconds"/>
    /// (each is an event the history keeps; see Storage:Events).
    /// </summary>
    [Range(1, 1_000_000)]
    public int SelfChangesPerPeriod { get; set; } = 60;

    [Range(1, 7 * 86_400)]
    public int SelfChangePeriodSeconds { get; set; } = 3600;
}

/// <summary>The <c>RateLimit</c> section's annotations, checked by generated code.</summary>
[OptionsValidator]
public sealed partial class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>;
