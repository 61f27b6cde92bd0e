namespace UserSystem.Server.Storage;

/// <summary>
/// Which events a prune deletes: those that occurred before <see cref="OlderThan"/>, and those
/// beyond the newest <see cref="KeepNewest"/> that occurred before <see cref="CountOlderThan"/>
/// (any limit may be absent). Events of the kinds <see cref="IsProtected"/> names are kept until
/// <see cref="ProtectedOlderThan"/> whatever the other limits say. The newest event is always
/// kept, so the latest event id never goes back.
/// </summary>
public sealed record EventRetention(DateTimeOffset? OlderThan, long? KeepNewest)
{
    /// <summary>Deletes no more than this many events per transaction, so writers never wait long behind a prune.</summary>
    public int ChunkSize { get; init; } = 10_000;

    /// <summary>The age floor of count pruning: a younger event is never deleted for the count (null: no floor).</summary>
    public DateTimeOffset? CountOlderThan { get; init; }

    /// <summary>Protected events (creates, status changes, deletions) are kept while they occurred at or after this (null: not protected).</summary>
    public DateTimeOffset? ProtectedOlderThan { get; init; }

    /// <summary>
    /// The kinds a user cannot cause on their own: an admin creates, suspends, reactivates and
    /// deletes. Only updates can come from the user themselves, so only they can be made to flood
    /// the history and push older events out.
    /// </summary>
    public static bool IsProtected(string kind) => kind is "created" or "status_changed" or "deleted";

    public static EventRetention From(EventHistoryOptions options, DateTimeOffset now) => new(
        options.MaxAgeDays > 0 ? now.AddDays(-options.MaxAgeDays) : null,
        options.MaxCount > 0 ? options.MaxCount : null)
    {
        CountOlderThan = options.MinAgeHoursBeforeCountPruning > 0 ? now.AddHours(-options.MinAgeHoursBeforeCountPruning) : null,
        // Never shorter than the others' period: with MaxAgeDays 0 (forever), forever too.
        ProtectedOlderThan = options.ProtectedMaxAgeDays > 0 && options.MaxAgeDays > 0
            ? now.AddDays(-Math.Max(options.ProtectedMaxAgeDays, options.MaxAgeDays))
            : DateTimeOffset.MinValue,
    };
}
