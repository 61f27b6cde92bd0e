using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace UserSystem.Server.Storage;

/// <summary>
/// The <c>Storage:Events</c> configuration section: how much of the event history (the audit log
/// and the change feed) is kept. An event is deleted once it is older than
/// <see cref="MaxAgeDays"/> or beyond the newest <see cref="MaxCount"/>; 0 turns a limit off.
/// </summary>
public sealed class EventHistoryOptions
{
    public const string SectionName = "Storage:Events";

    /// <summary>Days an event is kept; 0 keeps events regardless of age.</summary>
    [Range(0, 36_500)]
    public int MaxAgeDays { get; set; } = 30;

    /// <summary>Events kept at most (the newest); 0 keeps any number.</summary>
    [Range(0, long.MaxValue)]
    public long MaxCount { get; set; } = 10_000_000;

    /// <summary>How often the pruning service looks for events to delete.</summary>
    [Range(1, 86_400)]
    public int PruneIntervalSeconds { get; set; } = 60;
}

/// <summary>The <c>Storage:Events</c> section's annotations, checked by generated code.</summary>
[OptionsValidator]
public sealed partial class EventHistoryOptionsValidator : IValidateOptions<EventHistoryOptions>;
