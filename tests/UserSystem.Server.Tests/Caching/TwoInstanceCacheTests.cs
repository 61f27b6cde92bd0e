using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Server.Caching;
using UserSystem.Server.Storage;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Caching;

/// <summary>
/// Two server instances (A and B) on one database, each with its own in-process cache (and, in
/// the Redis modes, one shared Redis): a change through A reaches B's cache through the change
/// feed within <see cref="ChangeFeedFollower.MaxFeedWait"/>, and A reads its own writes at once.
/// </summary>
public abstract class TwoInstanceCacheTests : IAsyncLifetime
{
    // The feed's bound, plus the time to read and apply a page and to answer on a loaded machine.
    private static readonly TimeSpan Bound = ChangeFeedFollower.MaxFeedWait + TimeSpan.FromSeconds(5);

    private TempDirectory? _directory;

    protected TestServer A { get; private set; } = null!;

    protected TestServer B { get; private set; } = null!;

    /// <summary>The shared Redis database, or null without a second level.</summary>
    protected string? Redis { get; private set; }

    protected abstract bool UsesRedis { get; }

    public async Task InitializeAsync()
    {
        Redis = UsesRedis ? (await RedisServer.GetAsync().DefaultTimeout()).NextConnectionString() : null;
        string[] cache = Redis is null ? [] : [$"Cache:Redis={Redis}"];
        var (databasePath, storage) = await StorageAsync();
        // One after the other: the first start creates the schema.
        A = await TestServer.StartAsync(databasePath, [.. storage, .. cache]);
        B = await TestServer.StartAsync(databasePath, [.. storage, .. cache]);
        await CacheProbe.WaitUntilTrustedAsync(A);
        await CacheProbe.WaitUntilTrustedAsync(B);
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        _directory?.Dispose();
    }

    [Fact]
    public async Task UpdateThroughA_IsSeenThroughB_WithinTheFeedBound()
    {
        var user = await CreateOnAAsync("Before");
        await CachedOnBAsync(user.Id);

        await A.Client.UpdateUserAsync(new UpdateUserRequest
        {
            User = new Contracts.User { Id = user.Id, Name = "After" },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "name" } },
        }).ResponseAsync.DefaultTimeout();

        Assert.Equal("After", (await A.Client.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync.DefaultTimeout()).Name);
        var onB = await CacheProbe.EventuallyAsync(() => B.Client.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync, read => read.Name == "After", Bound);
        Assert.Equal("After", onB.Name);
    }

    [Fact]
    public async Task SuspendThroughA_MakesBRefuseTheUser_WithinTheFeedBound()
    {
        var user = await CreateOnAAsync("Suspended later");
        await CachedOnBAsync(user.Id);

        await A.Client.SetUserStatusAsync(new SetUserStatusRequest { Id = user.Id, Status = UserStatus.Suspended }).ResponseAsync.DefaultTimeout();

        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => A.Client.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync);
        var onB = await CacheProbe.EventuallyAsync(() => CacheProbe.StatusOfGetUserAsync(B, user.Id), code => code == StatusCode.PermissionDenied, Bound);
        Assert.Equal(StatusCode.PermissionDenied, onB);
    }

    [Fact]
    public async Task DeleteThroughA_MakesBAnswerNotFound_WithinTheFeedBound()
    {
        var user = await CreateOnAAsync("Deleted later");
        await CachedOnBAsync(user.Id);
        await A.Client.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync.DefaultTimeout();

        await A.Client.DeleteUserAsync(new DeleteUserRequest { Id = user.Id }).ResponseAsync.DefaultTimeout();

        await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => A.Client.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync);
        var onB = await CacheProbe.EventuallyAsync(() => CacheProbe.StatusOfGetUserAsync(B, user.Id), code => code == StatusCode.NotFound, Bound);
        Assert.Equal(StatusCode.NotFound, onB);
    }

    [Fact]
    public async Task UpdateThroughB_AfterBothCachedTheUser_IsReadBackThroughBAtOnce_AndThroughAWithinTheBound()
    {
        var user = await CreateOnAAsync("Both");
        await CachedOnBAsync(user.Id);
        await A.Client.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync.DefaultTimeout();

        await B.Client.SetUserStatusAsync(new SetUserStatusRequest { Id = user.Id, Status = UserStatus.Inactive }).ResponseAsync.DefaultTimeout();

        Assert.Equal(UserStatus.Inactive, (await B.Client.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync.DefaultTimeout()).Status);
        var onA = await CacheProbe.EventuallyAsync(() => A.Client.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync, read => read.Status == UserStatus.Inactive, Bound);
        Assert.Equal(UserStatus.Inactive, onA.Status);
    }

    /// <summary>The storage settings both instances share, and the SQLite path (ignored on PostgreSQL).</summary>
    protected abstract Task<(string DatabasePath, string[] Settings)> StorageAsync();

    protected string NewSqliteFile() => (_directory ??= new TempDirectory()).File("users.db");

    private async Task<Contracts.User> CreateOnAAsync(string name) =>
        (await A.Client.CreateUserAsync(Users.NewRequest(name)).ResponseAsync.DefaultTimeout()).User;

    // B reads the user, and the test checks B now holds it: what follows is about invalidation, not a first read.
    private async Task CachedOnBAsync(int id)
    {
        await B.Client.GetUserAsync(new GetUserRequest { Id = id }).ResponseAsync.DefaultTimeout();
        Assert.NotNull(await CacheProbe.ServedEntryAsync(B, id));
    }
}

/// <summary>Two instances on one SQLite file (WAL allows several processes on one host): no notification crosses instances, so B relies on its feed's re-read.</summary>
public sealed class SqliteTwoInstanceCacheTests : TwoInstanceCacheTests
{
    protected override bool UsesRedis => false;

    protected override Task<(string, string[])> StorageAsync() => Task.FromResult<(string, string[])>((NewSqliteFile(), []));
}

public sealed class SqliteRedisTwoInstanceCacheTests : TwoInstanceCacheTests
{
    protected override bool UsesRedis => true;

    protected override Task<(string, string[])> StorageAsync() => Task.FromResult<(string, string[])>((NewSqliteFile(), []));

    [Fact]
    public async Task GetUser_StoresTheUserInRedis_AndAWriteRemovesItBeforeAnswering()
    {
        var user = (await A.Client.CreateUserAsync(Users.NewRequest("In Redis")).ResponseAsync.DefaultTimeout()).User;
        await A.Client.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync.DefaultTimeout();
        var key = CachingExtensions.RedisInstanceName + "user:" + user.Id;
        Assert.Equal(":1", await RedisServer.CommandAsync(Redis!, $"EXISTS {key}"));

        await A.Client.SetUserStatusAsync(new SetUserStatusRequest { Id = user.Id, Status = UserStatus.Inactive }).ResponseAsync.DefaultTimeout();

        Assert.Equal(":0", await RedisServer.CommandAsync(Redis!, $"EXISTS {key}"));
    }
}

/// <summary>Two instances on one PostgreSQL database: NOTIFY wakes B's feed at once; the bound covers a lost notification.</summary>
public sealed class PostgresTwoInstanceCacheTests : TwoInstanceCacheTests
{
    protected override bool UsesRedis => false;

    protected override async Task<(string, string[])> StorageAsync() => await PostgresStorageAsync();

    internal static async Task<(string, string[])> PostgresStorageAsync()
    {
        var connectionString = await (await PostgresServer.GetAsync().DefaultTimeout()).CreateDatabaseAsync();
        return ("unused-by-postgres.db", ["Storage:Provider=Postgres", $"ConnectionStrings:Postgres={connectionString}"]);
    }
}

public sealed class PostgresRedisTwoInstanceCacheTests : TwoInstanceCacheTests
{
    protected override bool UsesRedis => true;

    protected override async Task<(string, string[])> StorageAsync() => await PostgresTwoInstanceCacheTests.PostgresStorageAsync();
}
