using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage;

/// <summary>The engine-independent part of pruning the event history: which events go, and what a reader is told afterwards.</summary>
internal static class EventPruning
{
    /// <summary>
    /// The last sequence of the leading run of <paramref name="oldest"/> (events above the
    /// current watermark, ascending) that <paramref name="retention"/> no longer covers, or null
    /// when the oldest of them is still kept. Stops at the first kept event, so the history stays
    /// one unbroken range, and never reaches <paramref name="newest"/>. Events up to
    /// <paramref name="countCutoff"/> are beyond the newest <see cref="EventRetention.KeepNewest"/> (null: none are).
    /// </summary>
    public static long? Through(IEnumerable<(long Sequence, DateTimeOffset Time)> oldest, long newest, long? countCutoff, EventRetention retention)
    {
        long? through = null;
        foreach (var (sequence, time) in oldest)
        {
            var expired = (retention.OlderThan is { } olderThan && time < olderThan) || (countCutoff is { } cutoff && sequence <= cutoff);
            if (sequence >= newest || !expired)
            {
                break;
            }

            through = sequence;
        }

        return through;
    }

    /// <summary>
    /// Throws when a reader resumes after <paramref name="afterSequence"/> but events after it
    /// were deleted. Read the watermark after the events: a prune that removed any of them has
    /// then committed before, and the watermark shows it.
    /// </summary>
    public static void ThrowIfPruned(long afterSequence, long prunedThrough)
    {
        if (afterSequence > 0 && afterSequence < prunedThrough)
        {
            throw new EventHistoryPrunedException(afterSequence, prunedThrough);
        }
    }
}
