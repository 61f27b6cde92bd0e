namespace UserSystem.Server.Hosting;

/// <summary>The <c>Limits</c> configuration section: bounds on what one call may ask for.</summary>
public sealed class LimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>The largest request message the server reads; larger ones get RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>The <c>ListUsers</c> page size when the request's <c>limit</c> is 0 or less.</summary>
    public int DefaultPageSize { get; set; } = 10;

    /// <summary>The largest <c>ListUsers</c> page; larger limits are capped to it.</summary>
    public int MaxPageSize { get; set; } = 100;

    /// <summary>How many users <c>StreamUsers</c> reads from the store at a time.</summary>
    public int StreamReadPageSize { get; set; } = 100;

    /// <summary>The largest <c>delay_seconds</c> that <c>StreamUsers</c> accepts.</summary>
    public int MaxStreamDelaySeconds { get; set; } = 10;

    /// <summary>The most items one client-streaming call (<c>CreateBatchUsers</c>) may send.</summary>
    public int MaxBatchSize { get; set; } = 100_000;

    /// <summary>How long a streaming call without a client deadline may run before DEADLINE_EXCEEDED.</summary>
    public int MaxStreamDurationSeconds { get; set; } = 3600;
}
