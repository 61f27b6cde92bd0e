using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UserSystem.Contracts;
using UserSystem.Server.Caching;
using UserSystem.Server.Domain;
using UserSystem.Server.Hosting;
using UserSystem.Server.Observability;
using UserSystem.Server.Rpc;
using UserSystem.Server.Security;
using UserSystem.Server.Storage;
using UserSystem.UnitTests.Fakes;

namespace UserSystem.UnitTests.Rpc;

/// <summary>
/// The service's own logic over an in-memory store: what it validates, which store call it
/// makes and how it maps the result. Domain errors are thrown as exceptions here; the error
/// mapping interceptor and its tests turn them into statuses.
/// </summary>
public sealed class UserGrpcServiceTests : IDisposable
{
    private readonly InMemoryUserStore _store = new();
    private readonly ServiceProvider _services;

    public UserGrpcServiceTests()
    {
        // The service's collaborators as the server registers them, over the in-memory store; the
        // cache is off (its own tests cover it), so every read sees the store.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Cache:Enabled", "false")]).Build();
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<IUserStore>(_store)
            .AddSingleton<EventTail>()
            .AddUserCache(configuration)
            .AddUserRateLimiting(configuration)
            .AddMetrics()
            .AddSingleton<UserSystemMetrics>()
            .BuildServiceProvider();
    }

    public void Dispose() => _services.Dispose();

    private UserGrpcService Service(LimitsOptions? limits = null) =>
        ActivatorUtilities.CreateInstance<UserGrpcService>(_services, Microsoft.Extensions.Options.Options.Create(limits ?? new LimitsOptions()));

    private static CreateUserRequest NewUser(string name = "Ada", string? email = null, int age = 36) =>
        new() { Name = name, Email = email ?? $"{name.ToLowerInvariant()}@example.com", Age = age, Hobbies = { "chess" } };

    private async Task<User> CreateAsync(string name = "Ada") =>
        (await Service().CreateUser(NewUser(name), TestServerCallContext.Admin()).DefaultTimeout()).User;

    [Fact]
    public async Task CreateUser_StoresTheNormalizedUser_AndAnswersLikeTheSeed()
    {
        var response = await Service().CreateUser(NewUser(name: "  Ada  ", email: "ada@example.com"), TestServerCallContext.Admin()).DefaultTimeout();

        Assert.Equal(("user created successfully", 1, "Ada", UserStatus.Active, "v1"), (response.Message, response.CreatedCount, response.User.Name, response.User.Status, response.User.Etag));
        Assert.Equal(new Contracts.IdRange { First = response.User.Id, Last = response.User.Id }, Assert.Single(response.CreatedIds));
        Assert.Equal("Ada", (await _store.FindAsync(response.User.Id, default).DefaultTimeout())!.Name);
    }

    [Fact]
    public async Task CreateUser_RecordsTheCallerAsTheEventActor()
    {
        await CreateAsync();

        Assert.Equal("admin-1", Assert.Single(_store.Events).Actor);
    }

    [Fact]
    public async Task CreateUser_WithInvalidFields_StoresNothing_AndNamesEachField()
    {
        var exception = await Assert.ThrowsAsync<InvalidInputException>(() => Service().CreateUser(NewUser(name: "", email: "nope", age: 200), TestServerCallContext.Admin())).DefaultTimeout();

        Assert.Equal(["name", "email", "age"], exception.Violations.Select(violation => violation.Field));
        Assert.Empty(_store.Events);
    }

    [Fact]
    public async Task CreateUser_WithATakenEmail_IsDuplicate()
    {
        await CreateAsync();

        await Assert.ThrowsAsync<DuplicateEmailException>(() => Service().CreateUser(NewUser(email: "ADA@example.com"), TestServerCallContext.Admin())).DefaultTimeout();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task GetUser_NonPositiveId_IsInvalidInputNamingId(int id)
    {
        var exception = await Assert.ThrowsAsync<InvalidInputException>(() => Service().GetUser(new GetUserRequest { Id = id }, TestServerCallContext.Admin())).DefaultTimeout();

        Assert.Equal("id", Assert.Single(exception.Violations).Field);
    }

    [Fact]
    public async Task GetUser_UnknownId_IsNotFound() =>
        await Assert.ThrowsAsync<UserNotFoundException>(() => Service().GetUser(new GetUserRequest { Id = 99 }, TestServerCallContext.Admin())).DefaultTimeout();

    [Fact]
    public async Task GetUser_Suspended_IsRefused()
    {
        var user = await CreateAsync();
        await _store.SetStatusAsync(user.Id, AccountStatus.Suspended, null, ChangeContext.None, default).DefaultTimeout();

        await Assert.ThrowsAsync<UserSuspendedException>(() => Service().GetUser(new GetUserRequest { Id = user.Id }, TestServerCallContext.Admin())).DefaultTimeout();
    }

    [Fact]
    public async Task GetUser_Self_AsANonAdmin_Works()
    {
        var user = await CreateAsync();

        var fetched = await Service().GetUser(new GetUserRequest { Id = user.Id }, TestServerCallContext.User(user.Id)).DefaultTimeout();

        Assert.Equal(user, fetched);
    }

    [Fact]
    public async Task GetUser_SomeoneElse_AsANonAdmin_IsPermissionDenied_WhetherOrNotTheyExist()
    {
        var other = await CreateAsync();

        var existing = await Assert.ThrowsAsync<NotOwnerException>(() => Service().GetUser(new GetUserRequest { Id = other.Id }, TestServerCallContext.User(other.Id + 100))).DefaultTimeout();
        var missing = await Assert.ThrowsAsync<NotOwnerException>(() => Service().GetUser(new GetUserRequest { Id = 12345 }, TestServerCallContext.User(other.Id + 100))).DefaultTimeout();

        Assert.Equal(existing.Message, missing.Message);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(-4, 10)]
    [InlineData(3, 3)]
    [InlineData(500, 12)]
    public async Task ListUsers_Limit_DefaultsTo10_AndIsCappedToTheLargestPage(int limit, int expected)
    {
        for (var i = 0; i < 15; i++)
        {
            await CreateAsync($"User{i}");
        }

        var response = await Service(new LimitsOptions { MaxPageSize = 12 }).ListUsers(new ListUsersRequest { Limit = limit }, TestServerCallContext.Admin()).DefaultTimeout();

        Assert.Equal((expected, 15), (response.Users.Count, response.Total));
    }

    [Fact]
    public async Task ListUsers_SecondPage_SkipsTheFirst()
    {
        for (var i = 0; i < 5; i++)
        {
            await CreateAsync($"User{i}");
        }

        var response = await Service().ListUsers(new ListUsersRequest { Page = 1, Limit = 2 }, TestServerCallContext.Admin()).DefaultTimeout();

        Assert.Equal(["User2", "User3"], response.Users.Select(user => user.Name));
    }

    [Fact]
    public async Task ListUsers_NegativePage_IsInvalidInputNamingPage()
    {
        var exception = await Assert.ThrowsAsync<InvalidInputException>(() => Service().ListUsers(new ListUsersRequest { Page = -1 }, TestServerCallContext.Admin())).DefaultTimeout();

        Assert.Equal("page", Assert.Single(exception.Violations).Field);
    }

    [Fact]
    public async Task ListUsers_ByToken_WalksEveryUserOnce_AndTheLastPageHasNoToken()
    {
        for (var i = 0; i < 7; i++)
        {
            await CreateAsync($"User{i}");
        }

        var names = new List<string>();
        var pages = 0;
        var request = new ListUsersRequest { PageSize = 3 };
        ListUsersResponse response;
        do
        {
            response = await Service().ListUsers(request, TestServerCallContext.Admin()).DefaultTimeout();
            names.AddRange(response.Users.Select(user => user.Name));
            request.PageToken = response.NextPageToken;
            pages++;
        }
        while (response.NextPageToken.Length > 0);

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"User{i}"), names);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task ListUsers_ByToken_AppliesTheFilter()
    {
        await CreateAsync("Ada");
        await CreateAsync("Bob");

        var response = await Service().ListUsers(new ListUsersRequest { NamePrefix = "B" }, TestServerCallContext.Admin()).DefaultTimeout();

        Assert.Equal("Bob", Assert.Single(response.Users).Name);
    }

    [Fact]
    public async Task UpdateUser_WithTheCurrentEtag_ChangesTheMaskedField_AndTheEtag()
    {
        var user = await CreateAsync();

        var updated = await Service().UpdateUser(
            new UpdateUserRequest { User = new User { Id = user.Id, Age = 37, Etag = user.Etag }, UpdateMask = new FieldMask { Paths = { "age" } } },
            TestServerCallContext.Admin()).DefaultTimeout();

        Assert.Equal((37, "Ada", "v2"), (updated.Age, updated.Name, updated.Etag));
    }

    [Fact]
    public async Task UpdateUser_WithAStaleEtag_IsRefused_AndChangesNothing()
    {
        var user = await CreateAsync();
        await _store.UpdateAsync(user.Id, new UserChanges(Age: 40), null, ChangeContext.None, default).DefaultTimeout();

        await Assert.ThrowsAsync<StaleEtagException>(() => Service().UpdateUser(
            new UpdateUserRequest { User = new User { Id = user.Id, Age = 37, Etag = user.Etag }, UpdateMask = new FieldMask { Paths = { "age" } } },
            TestServerCallContext.Admin())).DefaultTimeout();
        Assert.Equal(40, (await _store.FindAsync(user.Id, default).DefaultTimeout())!.Age);
    }

    [Fact]
    public async Task SetUserStatus_UnknownStatus_IsInvalidInputNamingStatus()
    {
        var user = await CreateAsync();

        var exception = await Assert.ThrowsAsync<InvalidInputException>(() => Service().SetUserStatus(
            new SetUserStatusRequest { Id = user.Id, Status = (UserStatus)42 }, TestServerCallContext.Admin())).DefaultTimeout();

        Assert.Equal("status", Assert.Single(exception.Violations).Field);
    }

    [Fact]
    public async Task SetUserStatus_Suspends()
    {
        var user = await CreateAsync();

        var suspended = await Service().SetUserStatus(new SetUserStatusRequest { Id = user.Id, Status = UserStatus.Suspended }, TestServerCallContext.Admin()).DefaultTimeout();

        Assert.Equal(UserStatus.Suspended, suspended.Status);
    }

    [Fact]
    public async Task DeleteUser_RemovesTheUser()
    {
        var user = await CreateAsync();

        await Service().DeleteUser(new DeleteUserRequest { Id = user.Id }, TestServerCallContext.Admin()).DefaultTimeout();

        Assert.Null(await _store.FindAsync(user.Id, default).DefaultTimeout());
    }

    [Fact]
    public async Task StreamUsers_WritesEveryUserInIdOrder_AcrossReadPages()
    {
        for (var i = 0; i < 5; i++)
        {
            await CreateAsync($"User{i}");
        }

        var responses = new TestResponseStream<User>();
        await Service(new LimitsOptions { StreamReadPageSize = 2 }).StreamUsers(new StreamUsersRequest(), responses, TestServerCallContext.Admin()).DefaultTimeout();

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"User{i}"), responses.Written.Select(user => user.Name));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public async Task StreamUsers_DelayOutOfRange_IsInvalidInputNamingDelaySeconds(int delaySeconds)
    {
        var exception = await Assert.ThrowsAsync<InvalidInputException>(() => Service().StreamUsers(
            new StreamUsersRequest { DelaySeconds = delaySeconds }, new TestResponseStream<User>(), TestServerCallContext.Admin())).DefaultTimeout();

        Assert.Equal("delay_seconds", Assert.Single(exception.Violations).Field);
    }

    [Fact]
    public async Task CreateBatchUsers_StoresEveryItem_AndAnswersTheIdRange()
    {
        var requests = new TestRequestStream<CreateUserRequest>(NewUser("Ada"), NewUser("Bob"), NewUser("Cy"));

        var response = await Service().CreateBatchUsers(requests, TestServerCallContext.Admin()).DefaultTimeout();

        Assert.Equal(("3 users created", 3), (response.Message, response.CreatedCount));
        Assert.Equal(new Contracts.IdRange { First = 1, Last = 3 }, Assert.Single(response.CreatedIds));
    }

    [Fact]
    public async Task CreateBatchUsers_WithAnInvalidItem_StoresNothing_AndNamesItsPosition()
    {
        var requests = new TestRequestStream<CreateUserRequest>(NewUser("Ada"), NewUser(age: -1, email: "x@example.com"));

        var exception = await Assert.ThrowsAsync<InvalidInputException>(() => Service().CreateBatchUsers(requests, TestServerCallContext.Admin())).DefaultTimeout();

        Assert.StartsWith("Batch item 2", exception.Message, StringComparison.Ordinal);
        Assert.Empty(_store.Events);
    }

    [Fact]
    public async Task ChatWithUsers_SendsBackEachCreatedUser_AndKeepsThemWhenALaterOneFails()
    {
        var requests = new TestRequestStream<CreateUserRequest>(NewUser("Ada"), NewUser("Bob"), NewUser(""));
        var responses = new TestResponseStream<User>();

        await Assert.ThrowsAsync<InvalidInputException>(() => Service().ChatWithUsers(requests, responses, TestServerCallContext.Admin())).DefaultTimeout();

        Assert.Equal(["Ada", "Bob"], responses.Written.Select(user => user.Name));
        Assert.Equal(2, _store.Events.Count);
    }

    [Fact]
    public async Task WatchUsers_NegativeSince_IsInvalidInputNamingSinceEventId()
    {
        var exception = await Assert.ThrowsAsync<InvalidInputException>(() => Service().WatchUsers(
            new WatchUsersRequest { SinceEventId = -1 }, new TestResponseStream<Contracts.UserEvent>(), TestServerCallContext.Admin())).DefaultTimeout();

        Assert.Equal("since_event_id", Assert.Single(exception.Violations).Field);
    }

    [Fact]
    public async Task WatchUsers_SendsTheHistoryInOrder_UntilCancelled()
    {
        await CreateAsync("Ada");
        await CreateAsync("Bob");
        using var cancellation = new CancellationTokenSource();
        var responses = new TestResponseStream<Contracts.UserEvent>(written =>
        {
            if (written == 2)
            {
                cancellation.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Service().WatchUsers(
            new WatchUsersRequest(), responses, TestServerCallContext.Admin(cancellation.Token))).DefaultTimeout();

        Assert.Equal([1L, 2L], responses.Written.Select(change => change.EventId));
    }
}
