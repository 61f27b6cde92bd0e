using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace UserSystem.Server.Hosting;

/// <summary>The <c>Limits</c> configuration section: bounds on what one call may ask for.</summary>
public sealed class LimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>The largest request message the server reads; larger ones get RESOURCE_EXHAUSTED.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxReceiveMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>The <c>ListUsers</c> page size when the request's <c>limit</c> is 0 or less; at most <see cref="MaxPageSize"/>.</summary>
    [Range(1, 10_000)]
    public int DefaultPageSize { get; set; } = 10;

    /// <summary>The largest <c>ListUsers</c> page; larger limits are capped to it.</summary>
    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = 100;

    /// <summary>How many users <c>StreamUsers</c> reads from the store at a time.</summary>
    [Range(1, 10_000)]
    public int StreamReadPageSize { get; set; } = 1000;

    /// <summary>The largest <c>delay_seconds</c> that <c>StreamUsers</c> accepts.</summary>
    [Range(0, 3600)]
    public int MaxStreamDelaySeconds { get; set; } = 10;

    /// <summary>The most items one client-streaming call (<c>CreateBatchUsers</c>) may send.</summary>
    [Range(1, 10_000_000)]
    public int MaxBatchSize { get; set; } = 100_000;

    /// <summary>How long any streaming call may run before DEADLINE_EXCEEDED; a client deadline can only shorten it.</summary>
    [Range(1, 7 * 24 * 3600)]
    public int MaxStreamDurationSeconds { get; set; } = 3600;
}

/// <summary>The <c>Limits</c> section's annotations, checked by generated code.</summary>
[OptionsValidator]
public sealed partial class LimitsOptionsValidator : IValidateOptions<LimitsOptions>;

/// <summary>The default page cannot be larger than the largest page.</summary>
public sealed class LimitsPageSizeValidator : IValidateOptions<LimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitsOptions options) =>
        options.DefaultPageSize > options.MaxPageSize
            ? ValidateOptionsResult.Fail($"Limits:DefaultPageSize ({options.DefaultPageSize}) must not exceed Limits:MaxPageSize ({options.MaxPageSize}).")
            : ValidateOptionsResult.Success;
}
