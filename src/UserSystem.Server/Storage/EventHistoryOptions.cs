using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace UserSystem.Server.Storage;

/// <summary>
/// The <c>Storage:Events</c> configuration section: how much of the event history (the audit log
/// and the change feed) is kept. An event is deleted once it is older than
/// <see cref="MaxAgeDays"/> or beyond the newest <see cref="MaxCount"/> (and older than
/// <see cref="MinAgeHoursBeforeCountPruning"/>); 0 turns a limit off. Creates, status changes and
/// deletions are kept for <see cref="ProtectedMaxAgeDays"/>.
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

    /// <summary>
    /// The age floor of count pruning: an event younger than this is never deleted because of
    /// <see cref="MaxCount"/>, so a burst of changes cannot push the recent history out. 0: no floor.
    /// </summary>
    [Range(0, 87_600)]
    public int MinAgeHoursBeforeCountPruning { get; set; } = 24;

    /// <summary>
    /// Days creates, status changes and deletions are kept, whatever <see cref="MaxCount"/> and
    /// <see cref="MaxAgeDays"/> say (and never less than <see cref="MaxAgeDays"/>): a user cannot
    /// cause these, so they cannot push them out. 0 keeps them forever.
    /// </summary>
    [Range(0, 36_500)]
    public int ProtectedMaxAgeDays { get; set; } = 365;

    /// <summary>How often the pruning service looks for events to delete.</summary>
    [Range(1, 86_400)]
    public int PruneIntervalSeconds { get; set; } = 60;
}

/// <summary>The <c>Storage:Events</c> section's annotations, checked by generated code.</summary>
[OptionsValidator]
public sealed partial class EventHistoryOptionsValidator : IValidateOptions<EventHistoryOptions>;

