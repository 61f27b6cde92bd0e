using UserSystem.Server.Domain;
using UserSystem.Server.Storage;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Storage;

/// <summary>The bounded event history part of the storage contract; runs on every engine through <see cref="UserStoreContractTests"/>.</summary>
public abstract partial class UserStoreContractTests
{
    // PostgreSQL prunes only below the feed's horizon, which a transaction starting elsewhere at
    // that moment can hold back briefly; like the background service, prune again until done.
    private static async Task<long> PruneUntilAsync(IUserStore store, EventRetention retention, long expected)
    {
        long deleted = 0;
        while ((deleted += await store.PruneEventsAsync(retention, None)) < expected)
        {
            await Task.Delay(50);
        }

        return deleted;
    }

    [Fact]
    public async Task LatestEvent_EmptyStore_IsZero_ThenTheNewestEvent()
    {
        Assert.Equal(0, (await Store.GetEventLogEndAsync(None)).Readable);

        var events = await CreateAndSeeEventsAsync(Store, 3);

        Assert.Equal(events[^1].Sequence, (await Store.GetEventLogEndAsync(None)).Readable);
        Assert.Empty(await Store.ReadEventsAsync((await Store.GetEventLogEndAsync(None)).Readable, 10, None));
    }

    [Fact]
    public async Task Prune_ByCount_KeepsTheNewest_AndResumingBeforeThemIsOutOfRange()
    {
        var events = await CreateAndSeeEventsAsync(Store, 5);

        var deleted = await PruneUntilAsync(Store, new EventRetention(null, KeepNewest: 2), expected: 3).DefaultTimeout();

        Assert.Equal(3, deleted);
        Assert.Equal(events.Skip(3).Select(change => change.Sequence), (await Store.ReadEventsAsync(0, 10, None)).Select(change => change.Sequence));
        var exception = await Assert.ThrowsAsync<EventHistoryPrunedException>(() => Store.ReadEventsAsync(events[1].Sequence, 10, None));
        Assert.Equal(events[2].Sequence, exception.PrunedThrough);
        // Resuming from the last pruned event misses nothing: the next one is kept.
        Assert.Equal(2, (await Store.ReadEventsAsync(events[2].Sequence, 10, None)).Count);
        // The watermark is stored, not remembered by this instance.
        var reopened = await OpenStoreAsync();
        await Assert.ThrowsAsync<EventHistoryPrunedException>(() => reopened.ReadEventsAsync(events[0].Sequence, 10, None));
    }

    [Fact]
    public async Task Prune_ByAge_DeletesTheOlderEvents_ButNeverTheNewest()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var store = await OpenStoreAsync(clock);
        var old = await CreateAndSeeEventsAsync(store, 2);
        clock.Now = clock.Now.AddDays(10);
        var recent = await CreateAndSeeEventsAsync(store, 2, expectedTotal: 4);

        Assert.Equal(2, await PruneUntilAsync(store, new EventRetention(clock.GetUtcNow().AddDays(-5), null), expected: 2).DefaultTimeout());
        Assert.Equal(recent.Select(change => change.Sequence), (await store.ReadEventsAsync(0, 10, None)).Select(change => change.Sequence));

        // Everything is older than this, yet the newest event stays: the latest id never goes back.
        Assert.Equal(1, await PruneUntilAsync(store, new EventRetention(clock.GetUtcNow().AddDays(1), null), expected: 1).DefaultTimeout());
        Assert.Equal(recent[^1].Sequence, Assert.Single(await store.ReadEventsAsync(0, 10, None)).Sequence);
        Assert.Equal(recent[^1].Sequence, (await store.GetEventLogEndAsync(None)).Readable);
        await Assert.ThrowsAsync<EventHistoryPrunedException>(() => store.ReadEventsAsync(old[^1].Sequence, 10, None));
    }

    [Fact]
    public async Task Prune_WithinTheRetention_DeletesNothing_AndEveryResumeStillWorks()
    {
        var events = await CreateAndSeeEventsAsync(Store, 3);

        Assert.Equal(0, await Store.PruneEventsAsync(new EventRetention(DateTimeOffset.UtcNow.AddDays(-1), KeepNewest: 10), None));

        Assert.Equal(2, (await Store.ReadEventsAsync(events[0].Sequence, 10, None)).Count);
    }

    [Fact]
    public async Task Prune_ManyEvents_DeletesThemChunkByChunk()
    {
        await CreateAndSeeEventsAsync(Store, 7);

        var deleted = await Store.PruneEventsAsync(new EventRetention(null, KeepNewest: 1) { ChunkSize = 2 }, None);

        Assert.Equal(6, deleted);
        Assert.Single(await Store.ReadEventsAsync(0, 10, None));
    }

    /// <summary>Creates <paramref name="count"/> users and waits until the feed shows all events so far (PostgreSQL's horizon may hold them back briefly).</summary>
    private static async Task<IReadOnlyList<UserEvent>> CreateAndSeeEventsAsync(IUserStore store, int count, int? expectedTotal = null)
    {
        for (var i = 0; i < count; i++)
        {
            await store.CreateAsync(NewUser($"Event {i}"), None);
        }

        IReadOnlyList<UserEvent> events = [];
        await UntilAsync(async () => (events = await store.ReadEventsAsync(0, 100, None)).Count == (expectedTotal ?? count)).DefaultTimeout();
        return events.TakeLast(count).ToList();
    }
}
