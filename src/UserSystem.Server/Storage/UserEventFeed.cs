using System.Runtime.CompilerServices;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage;

/// <summary>Replays events from the table and then follows new ones, for <c>WatchUsers</c>.</summary>
public static class UserEventFeed
{
    private const int PageSize = 500;

    // Also the longest a watcher waits if every wake-up were lost: the table is re-read anyway.
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Every event after <paramref name="afterSequence"/>, in order, without end: the table is the
    /// only source, so a reconnect with the last sequence seen misses nothing and repeats nothing.
    /// </summary>
    public static async IAsyncEnumerable<UserEvent> FollowEventsAsync(
        this IUserStore store, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var events = await store.ReadEventsAsync(afterSequence, PageSize, cancellationToken);
            foreach (var change in events)
            {
                yield return change;
                afterSequence = change.Sequence;
            }

            if (events.Count < PageSize)
            {
                await store.WaitForEventsAsync(afterSequence, PollInterval, cancellationToken);
            }
        }
    }
}
