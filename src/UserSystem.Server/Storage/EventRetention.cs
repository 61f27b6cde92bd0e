namespace UserSystem.Server.Storage;

/// <summary>
/// Which events a prune deletes: those that occurred before <see cref="OlderThan"/>, and those
/// beyond the newest <see cref="KeepNewest"/> (either limit may be absent). The newest event is
/// always kept, so the latest event id never goes back.
/// </summary>
public sealed record EventRetention(DateTimeOffset? OlderThan, long? KeepNewest)
{
    /// <summary>Deletes no more than this many events per transaction, so writers never wait long behind a prune.</summary>
    public int ChunkSize { get; init; } = 10_000;

    public static EventRetention From(EventHistoryOptions options, DateTimeOffset now) => new(
        options.MaxAgeDays > 0 ? now.AddDays(-options.MaxAgeDays) : null,
        options.MaxCount > 0 ? options.MaxCount : null);
}
