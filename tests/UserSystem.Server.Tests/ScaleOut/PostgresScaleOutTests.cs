using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.ScaleOut;

/// <summary>Two server processes on one PostgreSQL database: shared state, shared change feed, crash safety.</summary>
public sealed class PostgresScaleOutTests : IAsyncLifetime
{
    private string _connectionString = "";
    private ServerProcess _a = null!;
    private ServerProcess _b = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await (await PostgresServer.GetAsync().DefaultTimeout()).CreateDatabaseAsync();
        // Started together: both run the migrations at once, which the advisory lock makes safe.
        var a = ServerProcess.StartOnPostgresAsync(_connectionString, AcknowledgedCreates.ServerSettings);
        var b = ServerProcess.StartOnPostgresAsync(_connectionString, AcknowledgedCreates.ServerSettings);
        (_a, _b) = (await a, await b);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task UserCreatedThroughA_IsReadThroughB()
    {
        var created = await Client(_a).CreateUserAsync(Users.NewRequest("Shared")).ResponseAsync.DefaultTimeout();

        var read = await Client(_b).GetUserAsync(new GetUserRequest { Id = created.User.Id }).ResponseAsync.DefaultTimeout();
        var listed = await Client(_b).ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();

        Assert.Equal(created.User, read);
        Assert.Equal(1, listed.Total);
    }

    [Fact]
    public async Task WatcherOnB_SeesTheChangeMadeOnA()
    {
        using var watch = Client(_b).WatchUsers(new WatchUsersRequest());
        // The watcher is live once its replay of the (empty) history is done; a first change
        // through B proves that before A acts.
        var marker = await Client(_b).CreateUserAsync(Users.NewRequest("Marker")).ResponseAsync.DefaultTimeout();
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        Assert.Equal(marker.User.Id, watch.ResponseStream.Current.UserId);

        var created = await Client(_a).CreateUserAsync(Users.NewRequest("From A")).ResponseAsync.DefaultTimeout();
        await Client(_a).SetUserStatusAsync(new SetUserStatusRequest { Id = created.User.Id, Status = UserStatus.Suspended }).ResponseAsync.DefaultTimeout();

        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        Assert.Equal((UserEventKind.Created, created.User.Id), (watch.ResponseStream.Current.Kind, watch.ResponseStream.Current.UserId));
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        Assert.Equal((UserEventKind.StatusChanged, UserStatus.Suspended), (watch.ResponseStream.Current.Kind, watch.ResponseStream.Current.User.Status));
    }

    [Fact]
    public async Task SigkillOfA_DuringAStreamOfCreates_LosesNoAcknowledgedCreate()
    {
        var acknowledged = await AcknowledgedCreates.CreateUntilKilledAsync(_a, killAfter: 200, _a.KillAsync);

        Assert.True(_a.HasExited);
        Assert.True(acknowledged.Count >= 200);
        await AcknowledgedCreates.AssertAllPresentAsync(Client(_b), acknowledged);
    }

    private static UserService.UserServiceClient Client(ServerProcess server) => new(server.Channel);
}
