using UserSystem.Server.Domain;
using UserSystem.Server.Storage;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Storage;

/// <summary>The statistics part of the storage contract (<c>GetUserStats</c>); runs on every engine through <see cref="UserStoreContractTests"/>.</summary>
public abstract partial class UserStoreContractTests
{
    /// <summary>Opens and initializes a new store instance on this test's database that reads <paramref name="time"/>.</summary>
    protected abstract Task<IUserStore> OpenStoreAsync(TimeProvider time);

    [Fact]
    public async Task Stats_EmptyStore_CountsZeroForEveryStatus_AndNoEvent()
    {
        var stats = await Store.GetStatsAsync(new DateOnly(2000, 1, 1), None);

        Assert.Equal(0, stats.Total);
        Assert.All(Enum.GetValues<AccountStatus>(), status => Assert.Equal(0, stats.CountsByStatus[status]));
        Assert.Empty(stats.CreatedPerDay);
        Assert.Equal(0, stats.LatestEventSequence);
    }

    [Fact]
    public async Task Stats_CountUsersByStatus_WithoutTheDeleted_AndNameTheLatestEvent()
    {
        var users = new List<UserAccount>();
        for (var i = 0; i < 5; i++)
        {
            users.Add(await Store.CreateAsync(NewUser($"Counted {i}"), None));
        }

        await Store.SetStatusAsync(users[1].Id, AccountStatus.Suspended, null, Ada, None);
        await Store.SetStatusAsync(users[2].Id, AccountStatus.Suspended, null, Ada, None);
        await Store.SetStatusAsync(users[3].Id, AccountStatus.Inactive, null, Ada, None);
        await Store.DeleteAsync(users[4].Id, null, Ada, None);

        var stats = await Store.GetStatsAsync(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1), None);

        Assert.Equal(4, stats.Total);
        Assert.Equal(1, stats.CountsByStatus[AccountStatus.Active]);
        Assert.Equal(2, stats.CountsByStatus[AccountStatus.Suspended]);
        Assert.Equal(1, stats.CountsByStatus[AccountStatus.Inactive]);
        Assert.Equal(4, stats.CreatedPerDay.Sum(day => day.Count));
    }

    [Fact]
    public async Task Stats_LatestEvent_IsWhereTheFeedHasGotTo()
    {
        var created = await Store.CreateAsync(NewUser("Watched"), None);
        await Store.SetStatusAsync(created.Id, AccountStatus.Suspended, null, Ada, None);

        // The feed may hold events back while another transaction on the server is running
        // (PostgreSQL's horizon), and so may the statistics: wait until both have caught up.
        IReadOnlyList<UserEvent> events = [];
        UserStats stats = null!;
        await UntilAsync(async () =>
        {
            events = await Store.ReadEventsAsync(0, 100, None);
            stats = await Store.GetStatsAsync(DateOnly.FromDateTime(DateTime.UtcNow), None);
            return events.Count == 2 && stats.LatestEventSequence == events[^1].Sequence;
        }).DefaultTimeout();

        // Nothing after it until the next change, which is the first a watcher from it reads.
        Assert.Empty(await Store.ReadEventsAsync(stats.LatestEventSequence, 100, None));
        await Store.DeleteAsync(created.Id, null, Ada, None);
        IReadOnlyList<UserEvent> after = [];
        await UntilAsync(async () => (after = await Store.ReadEventsAsync(stats.LatestEventSequence, 100, None)).Count > 0).DefaultTimeout();
        Assert.Equal((UserEventKind.Deleted, created.Id), (Assert.Single(after).Kind, after[0].UserId));
    }

    [Fact]
    public async Task Stats_CountUsersPerUtcDayOfCreation_FromTheFirstDayOn()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 2, 20, 12, 0, 0, TimeSpan.Zero));
        var store = await OpenStoreAsync(clock);
        await store.CreateAsync(NewUser("Long ago"), None);
        // The last moment of 1 March and the first of 2 March fall on different days, whatever
        // the database server's own time zone.
        clock.Now = new DateTimeOffset(2026, 3, 1, 23, 59, 59, 999, TimeSpan.Zero);
        await store.CreateAsync(NewUser("Late on the 1st"), None);
        await store.CreateAsync(NewUser("Also late on the 1st"), None);
        clock.Now = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        var deleted = await store.CreateAsync(NewUser("Gone"), None);
        await store.CreateBatchAsync(new[] { NewUser("B1"), NewUser("B2"), NewUser("B3") }.ToAsyncEnumerable(), None);
        clock.Now = new DateTimeOffset(2026, 3, 2, 18, 30, 0, TimeSpan.FromHours(-8)); // 3 March in UTC
        await store.CreateAsync(NewUser("West coast evening"), None);
        await store.DeleteAsync(deleted.Id, null, Ada, None);

        var fromFirst = await store.GetStatsAsync(new DateOnly(2026, 3, 1), None);
        var fromSecond = await store.GetStatsAsync(new DateOnly(2026, 3, 2), None);
        var fromFebruary = await store.GetStatsAsync(new DateOnly(2026, 2, 1), None);

        Assert.Equal([new(new DateOnly(2026, 3, 1), 2), new(new DateOnly(2026, 3, 2), 3), new DailyCount(new DateOnly(2026, 3, 3), 1)], fromFirst.CreatedPerDay);
        Assert.Equal([new(new DateOnly(2026, 3, 2), 3), new DailyCount(new DateOnly(2026, 3, 3), 1)], fromSecond.CreatedPerDay);
        Assert.Equal(new DailyCount(new DateOnly(2026, 2, 20), 1), fromFebruary.CreatedPerDay[0]);
        // The days of all time add up to the total.
        Assert.Equal(fromFebruary.Total, fromFebruary.CreatedPerDay.Sum(day => day.Count));
        Assert.Equal(7, fromFebruary.Total);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        while (!await condition())
        {
            await Task.Delay(50);
        }
    }
}
