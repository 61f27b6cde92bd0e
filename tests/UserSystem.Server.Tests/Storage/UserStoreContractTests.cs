using UserSystem.Server.Domain;
using UserSystem.Server.Storage;
using UserSystem.Validation;

namespace UserSystem.Server.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="IUserStore"/> engine promises. Each engine runs this suite
/// unchanged by deriving from it and saying how to open a store on a fresh, empty database.
/// </summary>
public abstract partial class UserStoreContractTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected IUserStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await CreateEmptyDatabaseAsync();
        Store = await OpenStoreAsync();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Prepares this test's own empty database.</summary>
    protected abstract Task CreateEmptyDatabaseAsync();

    /// <summary>Opens and initializes a new store instance on this test's database.</summary>
    protected abstract Task<IUserStore> OpenStoreAsync();

    [Fact]
    public async Task Create_StoresTheUserAsActive_WithIncreasingIdsAndTimestamps()
    {
        var first = await Store.CreateAsync(NewUser("Ada", hobbies: ["chess", "go"]), None);
        var second = await Store.CreateAsync(NewUser("Grace"), None);

        Assert.True(first.Id > 0);
        Assert.True(second.Id > first.Id);
        Assert.Equal(AccountStatus.Active, first.Status);
        Assert.Equal(["chess", "go"], first.Hobbies);
        Assert.NotEqual(default, first.CreatedAt);
        Assert.Equal(first.CreatedAt, first.UpdatedAt);
    }

    [Fact]
    public async Task Find_ReturnsEveryStoredField_ExactlyAsCreated()
    {
        var created = await Store.CreateAsync(NewUser("Zoë Ångström 李", age: 150, hobbies: ["日本語", "tea, \"green\""]), None);

        var found = await Store.FindAsync(created.Id, None);

        AssertSameUser(created, found);
        Assert.Equal(150, found!.Age);
    }

    [Fact]
    public async Task Find_UnknownId_ReturnsNull()
    {
        Assert.Null(await Store.FindAsync(12345, None));
    }

    [Fact]
    public async Task Create_EmailTakenInAnotherCase_ThrowsDuplicateEmail_AndStoresNothing()
    {
        await Store.CreateAsync(NewUser("Ada", email: "ada@example.com"), None);

        await Assert.ThrowsAsync<DuplicateEmailException>(() => Store.CreateAsync(NewUser("Impostor", email: "ADA@Example.COM"), None));

        Assert.Equal(1, (await Store.ListAsync(0, 10, None)).Total);
    }

    [Fact]
    public async Task List_ReturnsTheRequestedSliceInIdOrder_WithTheTrueTotal()
    {
        var ids = new List<int>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add((await Store.CreateAsync(NewUser($"User {i}"), None)).Id);
        }

        var page = await Store.ListAsync(offset: 2, limit: 3, None);
        var beyond = await Store.ListAsync(offset: 50, limit: 3, None);

        Assert.Equal(ids.Skip(2).Take(3), page.Users.Select(user => user.Id));
        Assert.Equal(7, page.Total);
        Assert.Empty(beyond.Users);
        Assert.Equal(7, beyond.Total);
    }

    [Fact]
    public async Task ListAfter_ReturnsTheNextKeysetPage()
    {
        var ids = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Store.CreateAsync(NewUser($"User {i}"), None)).Id);
        }

        var first = await Store.ListAfterAsync(0, 2, None);
        var next = await Store.ListAfterAsync(first[^1].Id, 2, None);
        var last = await Store.ListAfterAsync(ids[^1], 2, None);

        Assert.Equal(ids.Take(2), first.Select(user => user.Id));
        Assert.Equal(ids.Skip(2).Take(2), next.Select(user => user.Id));
        Assert.Empty(last);
    }

    [Fact]
    public async Task CreateBatch_StoresEveryItemInOrder_AndReportsTheirIds()
    {
        var users = Enumerable.Range(1, 250).Select(i => NewUser($"Batch {i}")).ToList();

        var result = await Store.CreateBatchAsync(users.ToAsyncEnumerable(), None);

        Assert.Equal(250, result.Count);
        var reportedIds = result.Ids.SelectMany(range => Enumerable.Range(range.First, range.Last - range.First + 1)).ToList();
        Assert.Equal(250, reportedIds.Count);
        foreach (var (id, user) in reportedIds.Zip(users))
        {
            var stored = await Store.FindAsync(id, None);
            Assert.NotNull(stored);
            Assert.Equal(user.Email, stored.Email);
            Assert.Equal(AccountStatus.Active, stored.Status);
        }
    }

    [Fact]
    public async Task CreateBatch_OfManyItems_RecordsOneCreatedEventPerUser_InItemOrder_WithTheCallersContext()
    {
        // Larger than an engine writes at once (PostgreSQL: blocks of 4,096), and not a multiple of it.
        var users = Enumerable.Range(1, 10_001).Select(i => NewUser($"Many {i}", email: $"many-{i}@example.com", hobbies: [$"h{i}"])).ToList();

        var result = await Store.CreateBatchAsync(users.ToAsyncEnumerable(), new ChangeContext("importer", "batch-request"), None);

        var ids = result.Ids.SelectMany(range => Enumerable.Range(range.First, range.Last - range.First + 1)).ToList();
        Assert.Equal(10_001, result.Count);
        Assert.Equal(ids.Order(), ids);
        var events = await Store.ReadEventsAsync(0, 20_000, None);
        Assert.Equal(ids, events.Select(change => change.UserId));
        Assert.Equal(events.Select(change => change.Sequence).Order(), events.Select(change => change.Sequence));
        Assert.All(events, change => Assert.Equal((UserEventKind.Created, "importer", "batch-request", 1L), (change.Kind, change.Actor, change.RequestId, change.User.Version)));
        Assert.Equal(users.Select(user => (user.Email, user.Hobbies[0])), events.Select(change => (change.User.Email, change.User.Hobbies[0])));
        AssertSameUser(events[^1].User, await Store.FindAsync(ids[^1], None));
    }

    [Fact]
    public async Task CreateBatch_RepeatedEmailInALaterBlock_StoresNothing_AndNamesItsPositionInTheWholeBatch()
    {
        var users = Enumerable.Range(1, 10_000).Select(i => NewUser($"Block {i}", email: i == 9_000 ? "block-5@EXAMPLE.com" : $"block-{i}@example.com"));

        var exception = await Assert.ThrowsAsync<DuplicateEmailException>(() => Store.CreateBatchAsync(users.ToAsyncEnumerable(), None));

        Assert.Equal(9_000, exception.BatchPosition);
        Assert.Equal(0, (await Store.ListAsync(0, 10, None)).Total);
        Assert.Empty(await Store.ReadEventsAsync(0, 10, None));
    }

    [Fact]
    public async Task CreateBatch_Empty_StoresNothing_AndReportsZero()
    {
        var result = await Store.CreateBatchAsync(AsyncEnumerable.Empty<NewUser>(), None);

        Assert.Equal(0, result.Count);
        Assert.Empty(result.Ids);
        Assert.Equal(0, (await Store.ListAsync(0, 10, None)).Total);
    }

    [Fact]
    public async Task CreateBatch_ItemWithAnExistingEmail_StoresNothing_AndNamesItsPosition()
    {
        await Store.CreateAsync(NewUser("Existing", email: "taken@example.com"), None);
        var users = new[] { NewUser("One"), NewUser("Two"), NewUser("Three", email: "TAKEN@example.com"), NewUser("Four") };

        var exception = await Assert.ThrowsAsync<DuplicateEmailException>(() => Store.CreateBatchAsync(users.ToAsyncEnumerable(), None));

        Assert.Equal(3, exception.BatchPosition);
        Assert.Equal(1, (await Store.ListAsync(0, 10, None)).Total);
    }

    [Fact]
    public async Task CreateBatch_EmailRepeatedWithinTheBatch_StoresNothing_AndNamesTheRepeat()
    {
        var users = new[] { NewUser("One", email: "twice@example.com"), NewUser("Two"), NewUser("Three", email: "Twice@Example.com") };

        var exception = await Assert.ThrowsAsync<DuplicateEmailException>(() => Store.CreateBatchAsync(users.ToAsyncEnumerable(), None));

        Assert.Equal(3, exception.BatchPosition);
        Assert.Equal(0, (await Store.ListAsync(0, 10, None)).Total);
    }

    [Fact]
    public async Task CreateBatch_SequenceFailsAtTheFifthItem_LeavesNoTraceOfTheFirstFour()
    {
        var exception = await Assert.ThrowsAsync<InvalidInputException>(() => Store.CreateBatchAsync(FailingAtFifth(), None));

        Assert.Equal("item 5 is bad", exception.Message);
        Assert.Equal(0, (await Store.ListAsync(0, 10, None)).Total);
        // The emails of items 1-4 are still free.
        await Store.CreateBatchAsync(Enumerable.Range(1, 4).Select(i => NewUser($"Item {i}", email: $"item{i}@example.com")).ToAsyncEnumerable(), None);
        Assert.Equal(4, (await Store.ListAsync(0, 10, None)).Total);

        static async IAsyncEnumerable<NewUser> FailingAtFifth()
        {
            for (var i = 1; i <= 4; i++)
            {
                await Task.Yield();
                yield return NewUser($"Item {i}", email: $"item{i}@example.com");
            }

            throw new InvalidInputException("item 5 is bad", [new FieldViolation("email", "is required")]);
        }
    }

    [Fact]
    public async Task CreateBatch_CancelledMidway_StoresNothing()
    {
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.CreateBatchAsync(CancelAfterThree(cancellation), cancellation.Token));

        Assert.Equal(0, (await Store.ListAsync(0, 10, None)).Total);

        static async IAsyncEnumerable<NewUser> CancelAfterThree(CancellationTokenSource cancellation)
        {
            for (var i = 1; i <= 10; i++)
            {
                if (i == 4)
                {
                    await cancellation.CancelAsync();
                }

                await Task.Yield();
                yield return NewUser($"Item {i}");
            }
        }
    }

    [Fact]
    public async Task Create_ManyInParallel_LosesNothing_AndNeverRepeatsAnId()
    {
        var users = Enumerable.Range(1, 64).Select(i => NewUser($"Parallel {i}")).ToList();

        var created = await Task.WhenAll(users.Select(user => Task.Run(() => Store.CreateAsync(user, None))));

        Assert.Equal(64, created.Select(user => user.Id).Distinct().Count());
        var listed = await Store.ListAsync(0, 100, None);
        Assert.Equal(64, listed.Total);
        Assert.Equal(users.Select(user => user.Email).Order(), listed.Users.Select(user => user.Email).Order());
    }

    [Fact]
    public async Task Create_ManyInParallelWithOneDuplicate_StoresTheOthers_AndOnlyTheDuplicateFails()
    {
        await Store.CreateAsync(NewUser("First", email: "taken@example.com"), None);
        var users = Enumerable.Range(1, 64).Select(i => NewUser($"Parallel {i}", email: i == 32 ? "TAKEN@example.com" : null)).ToList();

        // Released together, so on a group-commit engine they share transactions with the duplicate.
        using var start = new ManualResetEventSlim();
        var calls = users.Select(user => Task.Run(async () =>
        {
            start.Wait();
            return await Store.CreateAsync(user, None);
        })).ToList();
        start.Set();
        var outcomes = await Task.WhenAll(calls.Select(async call =>
        {
            try
            {
                return (User: await call, Error: (Exception?)null);
            }
            catch (DuplicateEmailException exception)
            {
                return (User: (UserAccount?)null, Error: (Exception?)exception);
            }
        }));

        Assert.IsType<DuplicateEmailException>(Assert.Single(outcomes, outcome => outcome.Error is not null).Error);
        Assert.Null(outcomes[31].User);
        var stored = outcomes.Where(outcome => outcome.User is not null).Select(outcome => outcome.User!).ToList();
        Assert.Equal(63, stored.Select(user => user.Id).Distinct().Count());
        foreach (var user in stored)
        {
            AssertSameUser(user, await Store.FindAsync(user.Id, None));
        }

        Assert.Equal(64, (await Store.ListAsync(0, 100, None)).Total);
        Assert.Equal(64, (await Store.ReadEventsAsync(0, 1000, None)).Count);
    }

    [Fact]
    public async Task ReopenedStore_SeesEverythingCommittedBefore()
    {
        var created = await Store.CreateAsync(NewUser("Durable"), None);
        await Store.CreateBatchAsync(new[] { NewUser("B1"), NewUser("B2") }.ToAsyncEnumerable(), None);

        var reopened = await OpenStoreAsync();

        AssertSameUser(created, await reopened.FindAsync(created.Id, None));
        Assert.Equal(3, (await reopened.ListAsync(0, 10, None)).Total);
    }

    [Fact]
    public async Task Initialize_Again_KeepsDataAndSchema()
    {
        var created = await Store.CreateAsync(NewUser("Kept"), None);

        await Store.InitializeAsync(None);
        await Store.CheckHealthAsync(None);

        AssertSameUser(created, await Store.FindAsync(created.Id, None));
    }

    // Records compare lists by reference; compare the user field by field instead.
    private static void AssertSameUser(UserAccount expected, UserAccount? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Hobbies = [] }, actual with { Hobbies = [] });
        Assert.Equal(expected.Hobbies, actual.Hobbies);
    }

    private static NewUser NewUser(string name, string? email = null, int age = 30, string[]? hobbies = null) =>
        new(name, email ?? $"{Guid.NewGuid():N}@example.com", age, hobbies ?? []);
}
