using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;
using ContractUser = UserSystem.Contracts.User;

namespace UserSystem.Server.Tests.Lifecycle;

/// <summary>
/// UpdateUser, SetUserStatus, DeleteUser, token paging, idempotent create and WatchUsers over
/// real sockets; each engine runs the suite by deriving from it.
/// </summary>
public abstract class UserLifecycleRpcTests : ServerTestBase
{
    private string[] _storageSettings = [];

    protected override string[] ServerSettings => _storageSettings;

    public override async Task InitializeAsync()
    {
        _storageSettings = await StorageSettingsAsync();
        await base.InitializeAsync();
    }

    /// <summary>Configuration overrides that put the server on this engine's fresh database.</summary>
    protected abstract Task<string[]> StorageSettingsAsync();

    [Fact]
    public async Task UpdateUser_WithAMask_ChangesOnlyListedFields_AndANewEtag()
    {
        var created = await CreateAsync("Before", age: 20);

        var updated = await Client.UpdateUserAsync(new UpdateUserRequest
        {
            User = new ContractUser { Id = created.Id, Name = "  After ", Age = 99, Etag = created.Etag },
            UpdateMask = new FieldMask { Paths = { "name" } },
        }).ResponseAsync.DefaultTimeout();

        Assert.Equal("After", updated.Name);
        Assert.Equal(20, updated.Age);
        Assert.Equal(created.Email, updated.Email);
        Assert.NotEqual(created.Etag, updated.Etag);
        Assert.Equal(updated, await Client.GetUserAsync(new GetUserRequest { Id = created.Id }).ResponseAsync.DefaultTimeout());
    }

    [Fact]
    public async Task UpdateUser_StaleEtag_IsAborted_AndChangesNothing()
    {
        var created = await CreateAsync("Original");
        await Client.UpdateUserAsync(Update(created.Id, created.Etag, "age", user => user.Age = 41)).ResponseAsync.DefaultTimeout();

        await RpcAssert.FailsWithAsync(StatusCode.Aborted, () => Client.UpdateUserAsync(Update(created.Id, created.Etag, "name", user => user.Name = "Late")).ResponseAsync);

        Assert.Equal("Original", (await Client.GetUserAsync(new GetUserRequest { Id = created.Id }).ResponseAsync.DefaultTimeout()).Name);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("id")]
    [InlineData("nickname")]
    public async Task UpdateUser_UnknownOrReadOnlyPath_IsInvalidArgument_NamingTheMask(string path)
    {
        var created = await CreateAsync("Masked");

        var exception = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => Client.UpdateUserAsync(Update(created.Id, "", path, _ => { })).ResponseAsync);

        Assert.Equal(["update_mask"], RpcAssert.ViolatedFields(exception));
        Assert.Contains(path, exception.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateUser_EmptyMask_IsInvalidArgument()
    {
        var created = await CreateAsync("Unmasked");

        var exception = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => Client.UpdateUserAsync(new UpdateUserRequest { User = new ContractUser { Id = created.Id, Name = "X" } }).ResponseAsync);

        Assert.Equal(["update_mask"], RpcAssert.ViolatedFields(exception));
    }

    [Fact]
    public async Task UpdateUser_InvalidValueInTheMask_IsInvalidArgument_NamingTheField()
    {
        var created = await CreateAsync("Valid");

        var exception = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => Client.UpdateUserAsync(Update(created.Id, "", "email", user => user.Email = "not-an-email")).ResponseAsync);

        Assert.Equal(["user.email"], RpcAssert.ViolatedFields(exception));
    }

    [Fact]
    public async Task UpdateUser_ToATakenEmail_IsAlreadyExists()
    {
        var owner = await CreateAsync("Owner");
        var other = await CreateAsync("Other");

        await RpcAssert.FailsWithAsync(StatusCode.AlreadyExists, () => Client.UpdateUserAsync(Update(other.Id, "", "email", user => user.Email = owner.Email.ToUpperInvariant())).ResponseAsync);
    }

    [Fact]
    public async Task UpdateUser_UnknownId_IsNotFound()
    {
        await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => Client.UpdateUserAsync(Update(424242, "", "age", user => user.Age = 3)).ResponseAsync);
    }

    [Fact]
    public async Task SetUserStatus_Suspended_GetUserIsPermissionDenied_UntilActivatedAgain()
    {
        var created = await CreateAsync("Suspect");

        var suspended = await Client.SetUserStatusAsync(new SetUserStatusRequest { Id = created.Id, Status = UserStatus.Suspended, Etag = created.Etag }).ResponseAsync.DefaultTimeout();
        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => Client.GetUserAsync(new GetUserRequest { Id = created.Id }).ResponseAsync);
        var active = await Client.SetUserStatusAsync(new SetUserStatusRequest { Id = created.Id, Status = UserStatus.Active }).ResponseAsync.DefaultTimeout();

        Assert.Equal(UserStatus.Suspended, suspended.Status);
        Assert.Equal(active, await Client.GetUserAsync(new GetUserRequest { Id = created.Id }).ResponseAsync.DefaultTimeout());
    }

    [Fact]
    public async Task SetUserStatus_BadInput_IsInvalidArgument_AndStaleEtagIsAborted()
    {
        var created = await CreateAsync("Status");

        var unknown = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => Client.SetUserStatusAsync(new SetUserStatusRequest { Id = created.Id, Status = (UserStatus)7 }).ResponseAsync);
        await RpcAssert.FailsWithAsync(StatusCode.Aborted, () => Client.SetUserStatusAsync(new SetUserStatusRequest { Id = created.Id, Status = UserStatus.Inactive, Etag = "v999" }).ResponseAsync);
        await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => Client.SetUserStatusAsync(new SetUserStatusRequest { Id = 424242, Status = UserStatus.Inactive }).ResponseAsync);

        Assert.Equal(["status"], RpcAssert.ViolatedFields(unknown));
    }

    [Fact]
    public async Task DeleteUser_ThenGetUserIsNotFound_AndTheEmailIsFreeAgain()
    {
        var created = await CreateAsync("Leaving");

        await Client.DeleteUserAsync(new DeleteUserRequest { Id = created.Id, Etag = created.Etag }).ResponseAsync.DefaultTimeout();

        await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => Client.GetUserAsync(new GetUserRequest { Id = created.Id }).ResponseAsync);
        await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => Client.DeleteUserAsync(new DeleteUserRequest { Id = created.Id }).ResponseAsync);
        var again = await Client.CreateUserAsync(Users.NewRequest("Returning", created.Email)).ResponseAsync.DefaultTimeout();
        Assert.NotEqual(created.Id, again.User.Id);
    }

    [Fact]
    public async Task DeleteUser_StaleEtag_IsAborted_AndKeepsTheUser()
    {
        var created = await CreateAsync("Kept");
        await Client.UpdateUserAsync(Update(created.Id, "", "age", user => user.Age = 50)).ResponseAsync.DefaultTimeout();

        await RpcAssert.FailsWithAsync(StatusCode.Aborted, () => Client.DeleteUserAsync(new DeleteUserRequest { Id = created.Id, Etag = created.Etag }).ResponseAsync);

        Assert.Equal(50, (await Client.GetUserAsync(new GetUserRequest { Id = created.Id }).ResponseAsync.DefaultTimeout()).Age);
    }

    [Fact]
    public async Task ListUsers_TokenPaging_VisitsEveryUserOnce_AndTheLastPageHasNoToken()
    {
        var ids = new List<int>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add((await CreateAsync($"Paged {i}")).Id);
        }

        var seen = new List<int>();
        var pages = 0;
        var token = "";
        do
        {
            var page = await Client.ListUsersAsync(new ListUsersRequest { PageSize = 3, PageToken = token }).ResponseAsync.DefaultTimeout();
            seen.AddRange(page.Users.Select(user => user.Id));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(ids, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task ListUsers_Filters_ByStatusEmailPrefixAndNamePrefix()
    {
        var alice = await Client.CreateUserAsync(Users.NewRequest("Alice", "alice@corp.example")).ResponseAsync.DefaultTimeout();
        var albert = await Client.CreateUserAsync(Users.NewRequest("Albert", "albert@corp.example")).ResponseAsync.DefaultTimeout();
        await Client.CreateUserAsync(Users.NewRequest("Bob", "bob@home.example")).ResponseAsync.DefaultTimeout();
        await Client.SetUserStatusAsync(new SetUserStatusRequest { Id = albert.User.Id, Status = UserStatus.Suspended }).ResponseAsync.DefaultTimeout();

        var byName = await Client.ListUsersAsync(new ListUsersRequest { NamePrefix = "Al" }).ResponseAsync.DefaultTimeout();
        var byEmail = await Client.ListUsersAsync(new ListUsersRequest { EmailPrefix = "ALICE@" }).ResponseAsync.DefaultTimeout();
        var suspended = await Client.ListUsersAsync(new ListUsersRequest { StatusFilter = UserStatus.Suspended }).ResponseAsync.DefaultTimeout();

        Assert.Equal(["Alice", "Albert"], byName.Users.Select(user => user.Name));
        Assert.Equal([alice.User.Id], byEmail.Users.Select(user => user.Id));
        Assert.Equal([albert.User.Id], suspended.Users.Select(user => user.Id));
    }

    [Fact]
    public async Task ListUsers_TokenFromAnotherFilterOrGarbage_IsInvalidArgument()
    {
        for (var i = 0; i < 3; i++)
        {
            await CreateAsync($"Al {i}");
        }

        var first = await Client.ListUsersAsync(new ListUsersRequest { PageSize = 1, NamePrefix = "Al" }).ResponseAsync.DefaultTimeout();

        var otherFilter = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => Client.ListUsersAsync(new ListUsersRequest { PageSize = 1, PageToken = first.NextPageToken, NamePrefix = "B" }).ResponseAsync);
        var garbage = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => Client.ListUsersAsync(new ListUsersRequest { PageToken = "not a token!" }).ResponseAsync);
        Assert.Equal(["page_token"], RpcAssert.ViolatedFields(otherFilter));
        Assert.Equal(["page_token"], RpcAssert.ViolatedFields(garbage));
    }

    [Fact]
    public async Task CreateUser_RetriedWithTheSameRequestId_ReturnsTheFirstUser_AndCreatesOne()
    {
        var request = Users.NewRequest("Once");
        request.RequestId = Guid.NewGuid().ToString();

        var first = await Client.CreateUserAsync(request).ResponseAsync.DefaultTimeout();
        var retry = await Client.CreateUserAsync(request).ResponseAsync.DefaultTimeout();

        Assert.Equal(first.User, retry.User);
        Assert.Equal(1, await CountUsersAsync());
    }

    [Fact]
    public async Task CreateUser_BadRequestId_IsInvalidArgument()
    {
        var request = Users.NewRequest("Bad key");
        request.RequestId = new string('x', 129);

        var exception = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => Client.CreateUserAsync(request).ResponseAsync);

        Assert.Equal(["request_id"], RpcAssert.ViolatedFields(exception));
    }

    [Fact]
    public async Task WatchUsers_ReplaysHistory_ThenFollowsLiveChanges_WithTheirRequestIds()
    {
        var created = await CreateAsync("Watched");
        using var cancellation = new CancellationTokenSource();
        using var watch = Client.WatchUsers(new WatchUsersRequest { SinceEventId = 0 }, cancellationToken: cancellation.Token);

        var replayed = await NextAsync(watch);
        await Client.UpdateUserAsync(Update(created.Id, "", "age", user => user.Age = 77), new Metadata { { "x-request-id", "live-update-1" } }).ResponseAsync.DefaultTimeout();
        var live = await NextAsync(watch);
        await Client.DeleteUserAsync(new DeleteUserRequest { Id = created.Id }).ResponseAsync.DefaultTimeout();
        var deleted = await NextAsync(watch);

        Assert.Equal((UserEventKind.Created, created.Id), (replayed.Kind, replayed.UserId));
        Assert.Equal((UserEventKind.Updated, 77, "live-update-1"), (live.Kind, live.User.Age, live.RequestId));
        Assert.Equal(UserEventKind.Deleted, deleted.Kind);
        Assert.True(replayed.EventId < live.EventId && live.EventId < deleted.EventId);
        Assert.Equal("local-admin", live.Actor); // Auth:Mode=None: every caller is the local admin
        await cancellation.CancelAsync();
    }

    [Fact]
    public async Task DeleteUser_ErasesThePersonFromTheHistory_WatchFromZeroShowsOnlyTheAuditTrail()
    {
        var created = (await Client.CreateUserAsync(Users.NewRequest("Erasable Person", "erase-me@example.com", 52, "secret hobby"), new Metadata { { "x-request-id", "create-1" } }).ResponseAsync.DefaultTimeout()).User;
        await Client.UpdateUserAsync(Update(created.Id, "", "name", user => user.Name = "Erasable Renamed")).ResponseAsync.DefaultTimeout();
        await Client.DeleteUserAsync(new DeleteUserRequest { Id = created.Id }, new Metadata { { "x-request-id", "erase-1" } }).ResponseAsync.DefaultTimeout();

        using var cancellation = new CancellationTokenSource();
        using var watch = Client.WatchUsers(new WatchUsersRequest { SinceEventId = 0 }, cancellationToken: cancellation.Token);
        var history = new[] { await NextAsync(watch), await NextAsync(watch), await NextAsync(watch) };
        await cancellation.CancelAsync();

        Assert.Equal([UserEventKind.Created, UserEventKind.Updated, UserEventKind.Deleted], history.Select(e => e.Kind));
        Assert.All(history, e => Assert.Equal((created.Id, created.Id, "", "", 0, 0), (e.UserId, e.User.Id, e.User.Name, e.User.Email, e.User.Age, e.User.Hobbies.Count)));
        Assert.Equal(["create-1", "erase-1"], new[] { history[0].RequestId, history[2].RequestId });
        Assert.All(history, e => Assert.Equal("local-admin", e.Actor));
        Assert.All(history, e => Assert.NotNull(e.EventTime));
    }

    [Fact]
    public async Task WatchUsers_ReconnectingWithTheLastEventId_MissesNothing_AndSeesNothingTwice()
    {
        for (var i = 0; i < 3; i++)
        {
            await CreateAsync($"Before {i}");
        }

        var seen = new List<UserEvent>();
        using (var first = Client.WatchUsers(new WatchUsersRequest()))
        {
            seen.Add(await NextAsync(first));
            seen.Add(await NextAsync(first));
        }

        // Changes while disconnected.
        for (var i = 0; i < 3; i++)
        {
            await CreateAsync($"While away {i}");
        }

        using (var second = Client.WatchUsers(new WatchUsersRequest { SinceEventId = seen[^1].EventId }))
        {
            for (var i = 0; i < 4; i++)
            {
                seen.Add(await NextAsync(second));
            }

            await CreateAsync("Live");
            seen.Add(await NextAsync(second));
        }

        Assert.Equal(
            ["Before 0", "Before 1", "Before 2", "While away 0", "While away 1", "While away 2", "Live"],
            seen.Select(e => e.User.Name));
        Assert.Equal(seen.Count, seen.Select(e => e.EventId).Distinct().Count());
    }

    [Fact]
    public async Task WatchUsers_WhenTheServerStops_EndsWithUnavailable()
    {
        await CreateAsync("Before stop");
        using var watch = Client.WatchUsers(new WatchUsersRequest());
        await NextAsync(watch);

        var stopping = Server.StopAsync();

        await RpcAssert.FailsWithAsync(StatusCode.Unavailable, () => watch.ResponseStream.MoveNext(CancellationToken.None));
        await stopping.DefaultTimeout();
    }

    [Fact]
    public async Task WatchUsers_FromNow_SkipsTheHistory_AndFollowsNewChanges()
    {
        await CreateAsync("Old");
        // Wait until the feed has delivered the old event (PostgreSQL's horizon may hold it back briefly).
        using (var history = Client.WatchUsers(new WatchUsersRequest()))
        {
            Assert.Equal("Old", (await NextAsync(history)).User.Name);
        }

        using var watch = Client.WatchUsers(new WatchUsersRequest { FromNow = true });
        // The server sends the headers once it has fixed where the stream starts.
        var headers = await watch.ResponseHeadersAsync.DefaultTimeout();
        await CreateAsync("New");

        var next = await NextAsync(watch);
        Assert.Equal("New", next.User.Name);
        var start = long.Parse(headers.GetValue("watch-start-event-id")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(start > 0 && start < next.EventId);
    }

    [Fact]
    public async Task WatchUsers_FromNowWithASince_IsInvalidArgument()
    {
        using var watch = Client.WatchUsers(new WatchUsersRequest { FromNow = true, SinceEventId = 3 });

        var exception = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => watch.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(["since_event_id"], RpcAssert.ViolatedFields(exception));
    }

    [Fact]
    public async Task UpdateUser_ThatChangesNothing_KeepsTheEtag()
    {
        var created = await CreateAsync("Unchanged", age: 33);

        var updated = await Client.UpdateUserAsync(Update(created.Id, created.Etag, "*", user =>
        {
            user.Name = created.Name;
            user.Email = created.Email;
            user.Age = created.Age;
        })).ResponseAsync.DefaultTimeout();

        Assert.Equal(created, updated);
    }

    [Fact]
    public async Task WatchUsers_SinceAnIdTheHistoryDoesNotReach_IsDataLoss()
    {
        await CreateAsync("Newest");
        var stats = await Client.GetUserStatsAsync(new GetUserStatsRequest()).ResponseAsync.DefaultTimeout();
        using var watch = Client.WatchUsers(new WatchUsersRequest { SinceEventId = stats.LatestEventId + 1 });

        var exception = await RpcAssert.FailsWithAsync(StatusCode.DataLoss, () => watch.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Contains("resynchronize from ListUsers", exception.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchUsers_NegativeSince_IsInvalidArgument()
    {
        using var watch = Client.WatchUsers(new WatchUsersRequest { SinceEventId = -1 });

        await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => watch.ResponseStream.MoveNext(CancellationToken.None));
    }

    private static async Task<UserEvent> NextAsync(AsyncServerStreamingCall<UserEvent> watch)
    {
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        return watch.ResponseStream.Current;
    }

    private async Task<ContractUser> CreateAsync(string name, int age = 30) =>
        (await Client.CreateUserAsync(Users.NewRequest(name, age: age)).ResponseAsync.DefaultTimeout()).User;

    private static UpdateUserRequest Update(int id, string etag, string path, Action<ContractUser> set)
    {
        var user = new ContractUser { Id = id, Etag = etag };
        set(user);
        return new UpdateUserRequest { User = user, UpdateMask = new FieldMask { Paths = { path } } };
    }
}
