using Microsoft.Extensions.Options;
using UserSystem.Server.Hosting;

namespace UserSystem.Server.Security;

/// <summary>The <c>RateLimit</c> section: a token bucket of calls and a cap on open streams, per caller.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimit";

    /// <summary>Tokens added to each caller's bucket every <see cref="ReplenishmentPeriodSeconds"/>.</summary>
    public int TokensPerPeriod { get; set; } = 100;

    public int ReplenishmentPeriodSeconds { get; set; } = 1;

    /// <summary>The bucket size: how many calls a caller may make at once after being idle.</summary>
    public int BurstLimit { get; set; } = 200;

    /// <summary>Streaming calls one caller may have open at the same time.</summary>
    public int MaxConcurrentStreams { get; set; } = 8;
}

/// <summary>Rejects a bad <c>RateLimit</c> section at start, naming each bad setting.</summary>
public sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new List<string>();
        OptionRules.Range(failures, "RateLimit:TokensPerPeriod", options.TokensPerPeriod, 1, 1_000_000);
        OptionRules.Range(failures, "RateLimit:ReplenishmentPeriodSeconds", options.ReplenishmentPeriodSeconds, 1, 86_400);
        OptionRules.Range(failures, "RateLimit:BurstLimit", options.BurstLimit, 1, 1_000_000);
        OptionRules.Range(failures, "RateLimit:MaxConcurrentStreams", options.MaxConcurrentStreams, 1, 100_000);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
