using UserSystem.Server.Domain;
using UserSystem.Server.Storage;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Storage;

/// <summary>The lifecycle and event part of the storage contract; runs on every engine through <see cref="UserStoreContractTests"/>.</summary>
public abstract partial class UserStoreContractTests
{
    private static readonly ChangeContext Ada = new("ada", "req-1");

    [Fact]
    public async Task Update_ChangesOnlyTheGivenFields_AndBumpsTheVersion()
    {
        var created = await Store.CreateAsync(NewUser("Before", age: 20, hobbies: ["a"]), None);

        var updated = await Store.UpdateAsync(created.Id, new UserChanges(Name: "After", Hobbies: ["b", "c"]), created.Version, Ada, None);

        Assert.Equal("After", updated.Name);
        Assert.Equal(["b", "c"], updated.Hobbies);
        Assert.Equal(created.Email, updated.Email);
        Assert.Equal(20, updated.Age);
        Assert.Equal(created.Version + 1, updated.Version);
        Assert.True(updated.UpdatedAt >= created.UpdatedAt);
        AssertSameUser(updated, await Store.FindAsync(created.Id, None));
    }

    [Fact]
    public async Task Update_ThatChangesNothing_WritesNoEvent_AndKeepsTheVersion()
    {
        var created = await Store.CreateAsync(NewUser("Same", email: "same@example.com", age: 20, hobbies: ["a", "b"]), None);

        var updated = await Store.UpdateAsync(
            created.Id, new UserChanges(Name: "Same", Email: "same@example.com", Age: 20, Hobbies: ["a", "b"]), created.Version, Ada, None);
        var sameStatus = await Store.SetStatusAsync(created.Id, AccountStatus.Active, null, Ada, None);

        AssertSameUser(created, updated);
        AssertSameUser(created, sameStatus);
        AssertSameUser(created, await Store.FindAsync(created.Id, None));
        Assert.Single(await Store.ReadEventsAsync(0, 10, None));
    }

    [Fact]
    public async Task Update_OnlyTheEmailsCase_IsAChange()
    {
        var created = await Store.CreateAsync(NewUser("Casey", email: "casey@example.com"), None);

        var updated = await Store.UpdateAsync(created.Id, new UserChanges(Email: "Casey@Example.com"), null, Ada, None);

        Assert.Equal("Casey@Example.com", updated.Email);
        Assert.Equal(created.Version + 1, updated.Version);
        Assert.Equal(2, (await Store.ReadEventsAsync(0, 10, None)).Count);
    }

    [Fact]
    public async Task Update_ThatChangesNothing_WithAStaleVersion_StillThrowsStaleEtag()
    {
        var created = await Store.CreateAsync(NewUser("Stale"), None);
        await Store.UpdateAsync(created.Id, new UserChanges(Age: 41), null, Ada, None);

        await Assert.ThrowsAsync<StaleEtagException>(() => Store.UpdateAsync(created.Id, new UserChanges(Age: 41), created.Version, Ada, None));
    }

    [Fact]
    public async Task Update_StaleVersion_ThrowsStaleEtag_AndChangesNothing()
    {
        var created = await Store.CreateAsync(NewUser("Original"), None);
        await Store.UpdateAsync(created.Id, new UserChanges(Age: 40), created.Version, Ada, None);

        await Assert.ThrowsAsync<StaleEtagException>(() => Store.UpdateAsync(created.Id, new UserChanges(Name: "Late"), created.Version, Ada, None));

        Assert.Equal("Original", (await Store.FindAsync(created.Id, None))!.Name);
    }

    [Fact]
    public async Task UpdateAndDelete_UnknownId_ThrowNotFound()
    {
        await Assert.ThrowsAsync<UserNotFoundException>(() => Store.UpdateAsync(999, new UserChanges(Name: "X"), null, Ada, None));
        await Assert.ThrowsAsync<UserNotFoundException>(() => Store.SetStatusAsync(999, AccountStatus.Suspended, null, Ada, None));
        await Assert.ThrowsAsync<UserNotFoundException>(() => Store.DeleteAsync(999, null, Ada, None));
    }

    [Fact]
    public async Task Update_ToAnEmailTakenInAnotherCase_ThrowsDuplicateEmail()
    {
        await Store.CreateAsync(NewUser("Owner", email: "owner@example.com"), None);
        var other = await Store.CreateAsync(NewUser("Other"), None);

        await Assert.ThrowsAsync<DuplicateEmailException>(() => Store.UpdateAsync(other.Id, new UserChanges(Email: "OWNER@example.com"), null, Ada, None));

        Assert.Equal(other.Email, (await Store.FindAsync(other.Id, None))!.Email);
    }

    [Fact]
    public async Task SetStatus_StoresTheStatus_AndBumpsTheVersion()
    {
        var created = await Store.CreateAsync(NewUser("Suspect"), None);

        var suspended = await Store.SetStatusAsync(created.Id, AccountStatus.Suspended, null, Ada, None);

        Assert.Equal(AccountStatus.Suspended, suspended.Status);
        Assert.Equal(created.Version + 1, suspended.Version);
        Assert.Equal(AccountStatus.Suspended, (await Store.FindAsync(created.Id, None))!.Status);
    }

    [Fact]
    public async Task Delete_RemovesTheUser_AndFreesTheEmail()
    {
        var created = await Store.CreateAsync(NewUser("Leaving", email: "leaving@example.com"), None);

        await Store.DeleteAsync(created.Id, created.Version, Ada, None);

        Assert.Null(await Store.FindAsync(created.Id, None));
        var again = await Store.CreateAsync(NewUser("Returning", email: "LEAVING@example.com"), None);
        Assert.NotEqual(created.Id, again.Id);
    }

    [Fact]
    public async Task Delete_StaleVersion_ThrowsStaleEtag_AndKeepsTheUser()
    {
        var created = await Store.CreateAsync(NewUser("Kept"), None);

        await Assert.ThrowsAsync<StaleEtagException>(() => Store.DeleteAsync(created.Id, created.Version + 5, Ada, None));

        Assert.NotNull(await Store.FindAsync(created.Id, None));
    }

    [Fact]
    public async Task Create_SameIdempotencyKeyTwice_StoresOnce_AndReturnsTheFirstUser()
    {
        var first = await Store.CreateAsync(NewUser("Once", email: "once@example.com"), Ada, "key-1", None);

        var retry = await Store.CreateAsync(NewUser("Once", email: "once@example.com"), Ada, "key-1", None);
        var other = await Store.CreateAsync(NewUser("Twice"), Ada, "key-2", None);

        AssertSameUser(first, retry);
        Assert.NotEqual(first.Id, other.Id);
        Assert.Equal(2, (await Store.ListAsync(0, 10, None)).Total);
    }

    [Fact]
    public async Task ListAfter_WithAFilter_ReturnsOnlyMatchingUsers()
    {
        var alice = await Store.CreateAsync(NewUser("Alice", email: "alice@corp.example"), None);
        var albert = await Store.CreateAsync(NewUser("Albert", email: "Albert@CORP.example"), None);
        var bob = await Store.CreateAsync(NewUser("bob", email: "bob@home.example"), None);
        await Store.SetStatusAsync(albert.Id, AccountStatus.Suspended, null, Ada, None);

        Assert.Equal([alice.Id, albert.Id], Ids(await Store.ListAfterAsync(0, 10, new UserFilter(NamePrefix: "Al"), None)));
        Assert.Empty(await Store.ListAfterAsync(0, 10, new UserFilter(NamePrefix: "al"), None));
        Assert.Equal([alice.Id, albert.Id], Ids(await Store.ListAfterAsync(0, 10, new UserFilter(EmailPrefix: "AL"), None)));
        Assert.Equal([albert.Id], Ids(await Store.ListAfterAsync(0, 10, new UserFilter(Status: AccountStatus.Suspended), None)));
        Assert.Equal([alice.Id, bob.Id], Ids(await Store.ListAfterAsync(0, 10, new UserFilter(Status: AccountStatus.Active), None)));
        Assert.Equal([albert.Id], Ids(await Store.ListAfterAsync(alice.Id, 10, new UserFilter(EmailPrefix: "al"), None)));
        Assert.Empty(await Store.ListAfterAsync(0, 10, new UserFilter(EmailPrefix: "%"), None));

        static int[] Ids(IReadOnlyList<UserAccount> users) => users.Select(user => user.Id).ToArray();
    }

    [Fact]
    public async Task Events_RecordEveryChangeInCommitOrder_WithWhoAndWhich()
    {
        var created = await Store.CreateAsync(NewUser("Eve"), Ada, null, None);
        var batch = await Store.CreateBatchAsync(new[] { NewUser("B1"), NewUser("B2") }.ToAsyncEnumerable(), new ChangeContext(null, "req-batch"), None);
        await Store.UpdateAsync(created.Id, new UserChanges(Age: 33), null, Ada, None);
        await Store.SetStatusAsync(created.Id, AccountStatus.Suspended, null, Ada, None);
        var beforeDelete = await Store.ReadEventsAsync(0, 100, None);
        await Store.DeleteAsync(created.Id, null, new ChangeContext("root", "req-delete"), None);

        var events = await Store.ReadEventsAsync(0, 100, None);

        Assert.Equal(
            [UserEventKind.Created, UserEventKind.Created, UserEventKind.Created, UserEventKind.Updated, UserEventKind.StatusChanged, UserEventKind.Deleted],
            events.Select(e => e.Kind));
        Assert.True(events.Zip(events.Skip(1)).All(pair => pair.First.Sequence < pair.Second.Sequence));
        Assert.Equal([created.Id, batch.Ids[0].First, batch.Ids[0].Last, created.Id, created.Id, created.Id], events.Select(e => e.UserId));
        Assert.Equal(("ada", "req-1"), (events[0].Actor, events[0].RequestId));
        Assert.Equal((null, "req-batch"), (events[1].Actor, events[1].RequestId));
        Assert.Equal("B2", events[2].User.Name);
        Assert.Equal(33, beforeDelete[3].User.Age);
        Assert.Equal(AccountStatus.Suspended, events[4].User.Status);
        Assert.Equal(("root", "req-delete", AccountStatus.Suspended), (events[5].Actor, events[5].RequestId, events[5].User.Status));
        Assert.Equal(events.Skip(3).ToArray(), await Store.ReadEventsAsync(events[2].Sequence, 100, None), UserEventComparer.Instance);
    }

    [Fact]
    public async Task Delete_BlanksTheActorOfTheUsersOwnUpdates_AndKeepsTheAdmins()
    {
        var erased = await Store.CreateAsync(NewUser("Erin"), Ada, null, None);
        await Store.UpdateAsync(erased.Id, new UserChanges(Name: "Erin B"), null, new ChangeContext("erin-subject", "req-self"), None);
        await Store.UpdateAsync(erased.Id, new UserChanges(Age: 45), null, new ChangeContext("ada", "req-admin"), None);
        await Store.UpdateAsync(erased.Id, new UserChanges(Age: 46), null, new ChangeContext("root", "req-root"), None);
        await Store.DeleteAsync(erased.Id, null, new ChangeContext("root", "req-delete"), None);

        var ofErased = (await Store.ReadEventsAsync(0, 100, None)).Where(e => e.UserId == erased.Id).ToArray();

        Assert.Equal([("ada", "req-1"), (null, "req-self"), ("ada", "req-admin"), ("root", "req-root"), ("root", "req-delete")], ofErased.Select(e => (e.Actor, e.RequestId)));
    }

    [Fact]
    public async Task Delete_ErasesPersonalDataFromEveryEventOfTheUser_KeepingTheAuditFields()
    {
        var erased = await Store.CreateAsync(NewUser("Erin"), Ada, null, None);
        var other = await Store.CreateAsync(NewUser("Otto"), Ada, null, None);
        await Store.UpdateAsync(erased.Id, new UserChanges(Name: "Erin B", Age: 44, Hobbies: ["sailing"]), null, new ChangeContext("ada", "req-update"), None);
        await Store.DeleteAsync(erased.Id, null, new ChangeContext("root", "req-delete"), None);

        var events = await Store.ReadEventsAsync(0, 100, None);

        var ofErased = events.Where(e => e.UserId == erased.Id).ToArray();
        Assert.Equal([UserEventKind.Created, UserEventKind.Updated, UserEventKind.Deleted], ofErased.Select(e => e.Kind));
        Assert.All(ofErased, e => Assert.Equal(("", "", 0, 0), (e.User.Name, e.User.Email, e.User.Age, e.User.Hobbies.Count)));
        Assert.Equal([("ada", "req-1"), ("ada", "req-update"), ("root", "req-delete")], ofErased.Select(e => (e.Actor, e.RequestId)));
        Assert.All(ofErased, e => Assert.Equal(erased.Id, e.User.Id));
        Assert.Equal("Otto", events.Single(e => e.UserId == other.Id).User.Name);
    }

    [Fact]
    public async Task FailedChanges_RecordNoEvent()
    {
        var created = await Store.CreateAsync(NewUser("Only", email: "only@example.com"), None);

        await Assert.ThrowsAsync<DuplicateEmailException>(() => Store.CreateAsync(NewUser("Dup", email: "only@example.com"), None));
        await Assert.ThrowsAsync<StaleEtagException>(() => Store.UpdateAsync(created.Id, new UserChanges(Age: 1), 99, Ada, None));
        await Assert.ThrowsAsync<DuplicateEmailException>(() => Store.CreateBatchAsync(new[] { NewUser("X"), NewUser("Y", email: "only@example.com") }.ToAsyncEnumerable(), None));

        Assert.Single(await Store.ReadEventsAsync(0, 100, None));
    }

    [Fact]
    public async Task FollowEvents_AfterAnIdBeyondTheHistory_ThrowsEventHistoryBehind()
    {
        await Store.CreateAsync(NewUser("Last"), None);
        var newest = (await Store.GetEventLogEndAsync(None)).Committed;

        // As after a failover to a copy that lacks events a watcher was given.
        var behind = await Assert.ThrowsAsync<EventHistoryBehindException>(async () =>
        {
            await foreach (var change in Store.FollowEventsAsync(newest + 1, TimeProvider.System, tail: null, None))
            {
                Assert.Fail($"Got event {change.Sequence}.");
            }
        }).DefaultTimeout();

        Assert.Equal((newest + 1, newest), (behind.AfterSequence, behind.Newest));
    }

    [Fact]
    public async Task FollowEvents_ResumedFromTheLastSequenceSeen_MissesNothingAndRepeatsNothing()
    {
        for (var i = 0; i < 3; i++)
        {
            await Store.CreateAsync(NewUser($"Early {i}"), None);
        }

        using var firstWatch = new CancellationTokenSource();
        var seen = new List<UserEvent>();
        await foreach (var change in Store.FollowEventsAsync(0, TimeProvider.System, tail: null, firstWatch.Token).WithCancellation(firstWatch.Token))
        {
            seen.Add(change);
            if (seen.Count == 2)
            {
                break;
            }
        }

        for (var i = 0; i < 2; i++)
        {
            await Store.CreateAsync(NewUser($"Late {i}"), None);
        }

        await foreach (var change in Store.FollowEventsAsync(seen[^1].Sequence, TimeProvider.System, tail: null, None))
        {
            seen.Add(change);
            if (seen.Count == 5)
            {
                break;
            }
        }

        Assert.Equal(["Early 0", "Early 1", "Early 2", "Late 0", "Late 1"], seen.Select(e => e.User.Name));
        Assert.Equal(5, seen.Select(e => e.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task WaitForEvents_WakesUpWhenAChangeCommits()
    {
        var last = await Store.ReadEventsAsync(0, 100, None) is [.., var newest] ? newest.Sequence : 0;
        var waiting = Store.WaitForEventsAsync(last, Timeout.InfiniteTimeSpan, None);
        await Task.Delay(50);

        await Store.CreateAsync(NewUser("Wake"), None);

        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEmpty(await Store.ReadEventsAsync(last, 100, None));
    }

    private sealed class UserEventComparer : IEqualityComparer<UserEvent>
    {
        public static readonly UserEventComparer Instance = new();

        public bool Equals(UserEvent? x, UserEvent? y) =>
            x is not null && y is not null && x with { User = y.User } == y && x.User with { Hobbies = [] } == y.User with { Hobbies = [] };

        public int GetHashCode(UserEvent obj) => obj.Sequence.GetHashCode();
    }
}
