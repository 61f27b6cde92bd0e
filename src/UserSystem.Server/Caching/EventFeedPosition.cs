using UserSystem.Server.Storage;

namespace UserSystem.Server.Caching;

/// <summary>Where the change feed ends now, found through the store's feed contract alone.</summary>
internal static class EventFeedPosition
{
    private const long FirstStep = 1024;

    /// <summary>
    /// The sequence of the newest event (0 for none): a galloping then binary search over
    /// <see cref="IUserStore.ReadEventsAsync"/> with pages of one, about 2 log2(n) point reads,
    /// instead of reading the whole history.
    /// </summary>
    public static async Task<long> LatestAsync(IUserStore store, CancellationToken cancellationToken)
    {
        long known = 0;     // 0, or the sequence of an event that exists: the newest is at least this
        long? above = null; // no event has a sequence above this
        var step = FirstStep;
        while (above is null || above > known)
        {
            var probe = above is null ? known + step : known + ((above.Value - known + 1) / 2);
            var found = await store.ReadEventsAsync(probe - 1, 1, cancellationToken);
            if (found.Count > 0)
            {
                known = found[0].Sequence;
                step *= 2;
            }
            else
            {
                above = probe - 1;
            }
        }

        return known;
    }
}
