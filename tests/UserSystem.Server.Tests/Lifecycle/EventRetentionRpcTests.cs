using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Lifecycle;

/// <summary>
/// The pruning service in a running server (Storage:Events): the history is cut to the newest
/// events (updates only: creates are kept for their own period), and a watcher resuming before
/// them is told to resynchronize; each engine derives.
/// </summary>
public abstract class EventRetentionRpcTests : ServerTestBase
{
    private string[] _settings = [];

    protected override string[] ServerSettings => _settings;

    public override async Task InitializeAsync()
    {
        _settings = [.. await StorageSettingsAsync(), "Storage:Events:MaxCount=2", "Storage:Events:PruneIntervalSeconds=1", "Storage:Events:MinAgeHoursBeforeCountPruning=0"];
        await base.InitializeAsync();
    }

    protected abstract Task<string[]> StorageSettingsAsync();

    [Fact]
    public async Task WatchUsers_ResumingBeforeTheKeptHistory_IsOutOfRange_AndZeroReplaysWhatIsKept()
    {
        var first = (await Client.CreateUserAsync(Users.NewRequest("First")).ResponseAsync.DefaultTimeout()).User;
        long firstEventId;
        using (var history = Client.WatchUsers(new WatchUsersRequest()))
        {
            Assert.True(await history.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
            firstEventId = history.ResponseStream.Current.EventId;
        }

        for (var i = 0; i < 4; i++)
        {
            await Client.UpdateUserAsync(new UpdateUserRequest
            {
                User = new Contracts.User { Id = first.Id, Name = $"Later {i}" },
                UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "name" } },
            }).ResponseAsync.DefaultTimeout();
        }

        // The service prunes every second; wait until it has cut the history after the first event.
        var refused = await RefusalAsync(firstEventId).DefaultTimeout();

        Assert.Equal(StatusCode.OutOfRange, refused.StatusCode);
        Assert.Contains("ListUsers", refused.Status.Detail, StringComparison.Ordinal);

        // A prune may have run between two of the updates (keeping "Later 1", "Later 2"); the
        // next one cuts the updates to the newest two, which a replay from zero returns after the
        // create, kept below the cut for its own period.
        var names = await KeptHistoryAsync(secondName: "Later 2").DefaultTimeout();

        Assert.Equal(["First", "Later 2", "Later 3"], names);
        Assert.NotNull(await Client.GetUserAsync(new GetUserRequest { Id = first.Id }).ResponseAsync.DefaultTimeout());
    }

    /// <summary>Replays the first three kept events from zero until the second is <paramref name="secondName"/>.</summary>
    private async Task<List<string>> KeptHistoryAsync(string secondName)
    {
        while (true)
        {
            var names = await ReplayFromZeroAsync(count: 3);
            if (names[1] == secondName)
            {
                return names;
            }

            await Task.Delay(100);
        }
    }

    private async Task<List<string>> ReplayFromZeroAsync(int count)
    {
        using var replay = Client.WatchUsers(new WatchUsersRequest());
        var names = new List<string>();
        for (var i = 0; i < count; i++)
        {
            Assert.True(await replay.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
            names.Add(replay.ResponseStream.Current.User.Name);
        }

        return names;
    }

    /// <summary>Resumes after <paramref name="afterEventId"/> until the server refuses; until then it answers the next event.</summary>
    private async Task<RpcException> RefusalAsync(long afterEventId)
    {
        while (true)
        {
            using var watch = Client.WatchUsers(new WatchUsersRequest { SinceEventId = afterEventId });
            try
            {
                await watch.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout();
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.OutOfRange)
            {
                return exception;
            }

            await Task.Delay(100);
        }
    }
}

/// <summary>The bounded history on the embedded store.</summary>
public sealed class SqliteEventRetentionRpcTests : EventRetentionRpcTests
{
    protected override Task<string[]> StorageSettingsAsync() => Task.FromResult<string[]>([]);
}

/// <summary>The bounded history on PostgreSQL.</summary>
public sealed class PostgresEventRetentionRpcTests : EventRetentionRpcTests
{
    protected override async Task<string[]> StorageSettingsAsync()
    {
        var server = await PostgresServer.GetAsync().DefaultTimeout();
        return ["Storage:Provider=Postgres", $"ConnectionStrings:Postgres={await server.CreateDatabaseAsync()}"];
    }
}
