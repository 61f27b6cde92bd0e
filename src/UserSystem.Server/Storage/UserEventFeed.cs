using System.Runtime.CompilerServices;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage;

/// <summary>Replays events from the table and then follows new ones, for <c>WatchUsers</c>.</summary>
public static class UserEventFeed
{
    private const int PageSize = 500;

    /// <summary>Also the longest a watcher waits if every wake-up were lost: the table is re-read anyway.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a watcher's stream rides out a database that cannot be reached (a failover takes
    /// 5-15 s with tuned monitor timeouts) before it ends with UNAVAILABLE and the client resumes.
    /// </summary>
    public static readonly TimeSpan ReconnectFor = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Every event after <paramref name="afterSequence"/>, in order, without end: the table is the
    /// only source of truth, so a reconnect with the last sequence seen misses nothing and repeats
    /// nothing. The newest events come from <paramref name="tail"/>'s window whenever it holds
    /// every event after the stream's position; the table is read while it does not (or always,
    /// without a tail). While the database cannot be reached this resumes by itself, from the last
    /// event it yielded, for up to <see cref="ReconnectFor"/>; then the
    /// <see cref="StorageUnavailableException"/> ends it. On a resume (and at the start, after an
    /// id > 0) a history that ends before the position throws <see cref="EventHistoryBehindException"/>.
    /// </summary>
    public static async IAsyncEnumerable<UserEvent> FollowEventsAsync(
        this IUserStore store, long afterSequence, TimeProvider time, EventTail? tail, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var resuming = afterSequence > 0;
        using var following = tail?.Follow();
        while (true)
        {
            // Not on a resume's first step: that one checks the history still reaches the position.
            if (!resuming && tail?.Current is { } window && window.Covers(afterSequence))
            {
                var live = window.EventsAfter(afterSequence);
                foreach (var change in live)
                {
                    yield return change;
                    afterSequence = change.Sequence;
                }

                if (live.Count == 0)
                {
                    await window.Grown.WaitAsync(cancellationToken);
                }

                continue;
            }

            var after = afterSequence;
            var events = await ResumingAsync(store, after, resuming, time, ct => store.ReadEventsAsync(after, PageSize, ct), cancellationToken);
            resuming = false;
            foreach (var change in events)
            {
                yield return change;
                afterSequence = change.Sequence;
            }

            // Caught up with the table: wait with the tail when it covers the position, else on the store.
            if (events.Count < PageSize && tail?.Current.Covers(afterSequence) != true)
            {
                after = afterSequence;
                await ResumingAsync(store, after, false, time, async ct =>
                {
                    await store.WaitForEventsAsync(after, PollInterval, ct);
                    return true;
                }, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="step"/>, again after each <see cref="StorageUnavailableException"/>
    /// until <see cref="ReconnectFor"/> has passed; before a step that follows a failure (or
    /// when <paramref name="checkBehind"/>), checks that the history still reaches
    /// <paramref name="afterSequence"/>.
    /// </summary>
    private static async Task<T> ResumingAsync<T>(
        IUserStore store, long afterSequence, bool checkBehind, TimeProvider time, Func<CancellationToken, Task<T>> step, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            try
            {
                if (checkBehind)
                {
                    await ThrowIfBehindAsync(store, afterSequence, cancellationToken);
                }

                return await step(cancellationToken);
            }
            catch (StorageUnavailableException) when (time.GetElapsedTime(started) < ReconnectFor)
            {
                checkBehind = afterSequence > 0;
                await Task.Delay(ReconnectDelay, time, cancellationToken);
            }
        }
    }

    // Pruning never deletes the newest event, so a history that ends below an id once delivered
    // has lost committed events.
    private static async Task ThrowIfBehindAsync(IUserStore store, long afterSequence, CancellationToken cancellationToken)
    {
        var end = await store.GetEventLogEndAsync(cancellationToken);
        if (end.Committed < afterSequence)
        {
            throw new EventHistoryBehindException(afterSequence, end.Committed);
        }
    }
}
