using Grpc.Core;
using Npgsql;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.ScaleOut;

/// <summary>
/// The change feed under concurrent commits: two server processes on one PostgreSQL database,
/// writers on both, a write transaction held open while the others commit, and watchers that
/// disconnect and resume at random points on either instance.
/// </summary>
public sealed class PostgresFeedConcurrencyTests : IAsyncLifetime
{
    private const int WritersPerServer = 6;
    private const int OperationsPerWriter = 30;
    private const int SharedUsers = 3;
    private const int Watchers = 4;
    private const int HeldBatchItems = 300; // enough for the COPY to reach the server (and draw a transaction id) before the pause

    // The whole scenario (a few thousand calls) is bounded by this, not by DefaultTimeout per await alone.
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromMinutes(3);

    private string _connectionString = "";
    private ServerProcess _a = null!;
    private ServerProcess _b = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await (await PostgresServer.GetAsync().DefaultTimeout()).CreateDatabaseAsync();
        // Watchers hang up and call again at once: more streams than the per-caller default are open for a moment.
        string[] settings = [.. AcknowledgedCreates.ServerSettings, "RateLimit:MaxConcurrentStreams=1000"];
        var a = ServerProcess.StartOnPostgresAsync(_connectionString, settings);
        var b = ServerProcess.StartOnPostgresAsync(_connectionString, settings);
        (_a, _b) = (await a, await b);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task ConcurrentWritersOnTwoInstances_WithATransactionHeldOpen_EveryWatcherGetsEveryEventOnce_InIdAndVersionOrder()
    {
        var clients = new[] { Client(_a), Client(_b) };
        var acknowledged = new Acknowledged();
        var lastEventId = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watchers = Enumerable.Range(0, Watchers)
            .Select(seed => Task.Run(() => WatchWithRandomResumesAsync(clients, new Random(seed), lastEventId.Task)))
            .ToArray();

        // A batch whose transaction stays open (with a transaction id, rows already copied)
        // while every other writer commits: its events must still arrive, once, in id order.
        using var held = clients[0].CreateBatchUsers(deadline: DateTime.UtcNow.Add(ScenarioTimeout));
        for (var item = 0; item < HeldBatchItems; item++)
        {
            await held.RequestStream.WriteAsync(Users.NewRequest($"Held {item}")).DefaultTimeout();
        }

        await WaitUntilHeldCopyIsRunningAsync().DefaultTimeout();

        var shared = new List<int>();
        for (var i = 0; i < SharedUsers; i++)
        {
            var created = await clients[i % 2].CreateUserAsync(Users.NewRequest($"Shared {i}")).ResponseAsync.DefaultTimeout();
            acknowledged.Add(created.User.Id, created.User.Etag, "created");
            shared.Add(created.User.Id);
        }

        var writers = Enumerable.Range(0, 2 * WritersPerServer)
            .Select(writer => Task.Run(() => WriteAsync(clients[writer % 2], clients, new Random(1000 + writer), [.. shared], acknowledged)))
            .ToArray();
        await Task.WhenAll(writers).WaitAsync(ScenarioTimeout);

        Assert.True(await HeldCopyIsRunningAsync(), "the batch's transaction was still open when the other writers finished");
        await held.RequestStream.WriteAsync(Users.NewRequest("Held last")).DefaultTimeout();
        await held.RequestStream.CompleteAsync().DefaultTimeout();
        var batch = await held.ResponseAsync.DefaultTimeout();
        Assert.Equal(HeldBatchItems + 1, batch.CreatedCount);

        var committed = await CommittedEventsAsync();
        lastEventId.SetResult(committed[^1].Id);
        var received = await Task.WhenAll(watchers).WaitAsync(ScenarioTimeout);

        // Every acknowledged change is in the events table, and each user's events follow its versions.
        var committedKeys = committed.Select(e => (e.UserId, e.Version, e.Kind)).ToHashSet();
        Assert.All(acknowledged.Snapshot(), change => Assert.Contains(change, committedKeys));
        Assert.Equal(HeldBatchItems + 1, committed.Count(e => e.Name.StartsWith("Held", StringComparison.Ordinal)));
        AssertVersionOrderPerUser(committed);

        // Every watcher, across all its disconnects and resumes, got exactly the committed events, in id order.
        var expected = committed.Select(e => (e.Id, e.UserId, Etag: $"v{e.Version}")).ToList();
        foreach (var events in received)
        {
            Assert.True(events.Zip(events.Skip(1)).All(pair => pair.First.EventId < pair.Second.EventId), "event ids strictly increase");
            Assert.Equal(expected, events.Select(e => (e.EventId, e.UserId, e.User.Etag)).ToList());
        }
    }

    private static void AssertVersionOrderPerUser(IReadOnlyList<CommittedEvent> committed)
    {
        foreach (var user in committed.GroupBy(e => e.UserId))
        {
            var versions = user.ToList();
            Assert.Equal(1, versions[0].Version);
            for (var i = 1; i < versions.Count; i++)
            {
                // A delete carries the user as it was: the same version as the change before it.
                var step = versions[i].Kind == "deleted" ? 0 : 1;
                Assert.Equal(versions[i - 1].Version + step, versions[i].Version);
            }
        }
    }

    /// <summary>Creates, updates, suspends, activates and deletes its own users, and updates the shared ones, on random instances.</summary>
    private static async Task WriteAsync(
        UserService.UserServiceClient home, UserService.UserServiceClient[] clients, Random random, int[] shared, Acknowledged acknowledged)
    {
        var mine = new Dictionary<int, string>(); // own user -> its etag (nobody else changes it)
        for (var operation = 0; operation < OperationsPerWriter; operation++)
        {
            var client = random.Next(3) == 0 ? clients[random.Next(clients.Length)] : home;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            var roll = random.Next(10);
            var own = mine.Count == 0 ? 0 : mine.Keys.ElementAt(random.Next(mine.Count));
            if (mine.Count == 0 || roll < 3)
            {
                var created = await client.CreateUserAsync(Users.NewRequest("Writer"), deadline: deadline);
                acknowledged.Add(created.User.Id, created.User.Etag, "created");
                mine[created.User.Id] = created.User.Etag;
            }
            else if (roll < 6)
            {
                var id = roll == 5 ? shared[random.Next(shared.Length)] : own;
                var updated = await client.UpdateUserAsync(
                    new UpdateUserRequest
                    {
                        User = new UserSystem.Contracts.User { Id = id, Name = $"Renamed {operation}" },
                        UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "name" } },
                    },
                    deadline: deadline);
                // A change that changes nothing writes no event (the etag stays); other writers
                // change the shared users too, so only our own users' changes are checked one by one.
                if (id == own && updated.Etag != mine[id])
                {
                    acknowledged.Add(id, updated.Etag, "updated");
                    mine[id] = updated.Etag;
                }
            }
            else if (roll < 9)
            {
                var id = roll == 8 ? shared[random.Next(shared.Length)] : own;
                var status = random.Next(2) == 0 ? UserStatus.Suspended : UserStatus.Active;
                var changed = await client.SetUserStatusAsync(new SetUserStatusRequest { Id = id, Status = status }, deadline: deadline);
                // A change that changes nothing writes no event (the etag stays); other writers
                // change the shared users too, so only our own users' changes are checked one by one.
                if (id == own && changed.Etag != mine[id])
                {
                    acknowledged.Add(id, changed.Etag, "status_changed");
                    mine[id] = changed.Etag;
                }
            }
            else
            {
                await client.DeleteUserAsync(new DeleteUserRequest { Id = own, Etag = mine[own] }, deadline: deadline);
                acknowledged.Add(own, mine[own], "deleted");
                mine.Remove(own);
            }
        }
    }

    /// <summary>
    /// Follows the feed from the start until <paramref name="lastEventId"/> is known and seen,
    /// hanging up after a random number of events or a random pause and resuming from the last id
    /// seen on a random instance.
    /// </summary>
    private static async Task<List<UserEvent>> WatchWithRandomResumesAsync(
        UserService.UserServiceClient[] clients, Random random, Task<long> lastEventId)
    {
        var seen = new List<UserEvent>();
        while (!(lastEventId.IsCompleted && seen.Count > 0 && seen[^1].EventId == lastEventId.Result))
        {
            using var hangUp = new CancellationTokenSource();
            var since = seen.Count == 0 ? 0 : seen[^1].EventId;
            using var call = clients[random.Next(clients.Length)].WatchUsers(new WatchUsersRequest { SinceEventId = since }, cancellationToken: hangUp.Token);
            var budget = random.Next(1, 80);
            while (budget-- > 0)
            {
                var next = call.ResponseStream.MoveNext(hangUp.Token);
                if (await Task.WhenAny(next, Task.Delay(random.Next(20, 400))) != next)
                {
                    await hangUp.CancelAsync();
                    await ObserveHangUpAsync(next);
                    break;
                }

                Assert.True(await next);
                seen.Add(call.ResponseStream.Current);
            }

            await hangUp.CancelAsync();
        }

        return seen;
    }

    private static async Task ObserveHangUpAsync(Task<bool> next)
    {
        try
        {
            await next.DefaultTimeout();
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.Cancelled)
        {
            // Our own hang-up.
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.Unavailable && exception.InnerException is IOException)
        {
            // Also our own hang-up: a read in flight when the call is aborted may see the aborted
            // HTTP/2 stream as an IOException, which grpc-dotnet reports as UNAVAILABLE
            // (grpc/grpc-dotnet#1214). Whatever it was reading is read again on resume.
        }
    }

    private async Task WaitUntilHeldCopyIsRunningAsync()
    {
        while (!await HeldCopyIsRunningAsync())
        {
            await Task.Delay(50);
        }
    }

    private async Task<bool> HeldCopyIsRunningAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL AND query LIKE 'COPY users%');",
            connection);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private async Task<List<CommittedEvent>> CommittedEventsAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT sequence, user_id, version, kind, name FROM user_events ORDER BY sequence;", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<CommittedEvent>();
        while (await reader.ReadAsync())
        {
            events.Add(new CommittedEvent(reader.GetInt64(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4)));
        }

        return events;
    }

    private static UserService.UserServiceClient Client(ServerProcess server) => new(server.Channel);

    private sealed record CommittedEvent(long Id, int UserId, long Version, string Kind, string Name);

    /// <summary>What the writers were told succeeded: (user, version, event kind).</summary>
    private sealed class Acknowledged
    {
        private readonly List<(int, long, string)> _changes = [];

        public void Add(int userId, string etag, string kind)
        {
            var version = long.Parse(etag.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            lock (_changes)
            {
                _changes.Add((userId, version, kind));
            }
        }

        public IReadOnlyList<(int, long, string)> Snapshot()
        {
            lock (_changes)
            {
                return [.. _changes];
            }
        }
    }
}
