using System.Globalization;
using Grpc.Core;
using Npgsql;
using UserSystem.Contracts;
using UserSystem.Testing;
using Xunit.Abstractions;

namespace UserSystem.Server.Tests.HighAvailability;

/// <summary>
/// Reads from the hot standby of a pg_auto_failover cluster with read-your-writes: two instances
/// (A writes, B reads with A's <c>consistency-token</c>), real processes. Runs in the failover step
/// of scripts/test.sh, by its trait; one cluster serves every test (<see cref="StandbyReadCluster"/>).
/// </summary>
[Trait("Category", "Failover")]
[Collection(nameof(FailoverClusters))]
public sealed class StandbyReadTests(StandbyReadCluster cluster, ITestOutputHelper output) : IClassFixture<StandbyReadCluster>
{
    private const int Rounds = 100;

    private static readonly TimeSpan FaultTimeout = TimeSpan.FromSeconds(120);

    private readonly UserService.UserServiceClient _a = new(cluster.A.Channel);
    private readonly UserService.UserServiceClient _b = new(cluster.B.Channel);

    [Fact]
    public async Task HundredRoundsOfCreateOnAThenListOnBWithTheToken_EachSeesItsWrite_ServedByTheStandby()
    {
        await cluster.WaitReadyAsync();
        var standby = await cluster.NodeAsync(standby: true);
        var commitsBefore = await StandbyCommitsAsync(standby);
        var servedBefore = await MetricAsync(cluster.B, "user_system_standby_reads_served_total");

        var last = (Email: "", Token: default(ConsistencyToken));
        for (var round = 0; round < Rounds; round++)
        {
            last = await CreateOnAAsync();
            var (user, _) = await ListOnBAsync(last.Email, last.Token);
            Assert.True(user is not null, $"round {round}: B's read with the token of the create did not see {last.Email}");
        }

        // The other reads a standby may serve see the last create too.
        var withToken = new Metadata { { ConsistencyToken.Header, last.Token.Format() } };
        var stats = await _b.GetUserStatsAsync(new GetUserStatsRequest(), withToken).ResponseAsync.DefaultTimeout();
        Assert.True(stats.Total >= Rounds, $"GetUserStats with the last token counted {stats.Total} users");
        using var stream = _b.StreamUsers(new StreamUsersRequest(), withToken);
        var streamed = new List<string>();
        while (await stream.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout())
        {
            streamed.Add(stream.ResponseStream.Current.Email);
        }

        Assert.Contains(last.Email, streamed);

        // Each standby read is at least a position check and the read itself, as transactions of the standby.
        await Poll.UntilAsync(async () => await StandbyCommitsAsync(standby) - commitsBefore >= 2 * Rounds).WaitAsync(FaultTimeout);
        var served = await MetricAsync(cluster.B, "user_system_standby_reads_served_total") - servedBefore;
        output.WriteLine($"{served} of {Rounds} token reads served by the standby");
        // Synchronous replication has flushed each create before it answered; replay follows within
        // the wait almost always, so the standby serves nearly every read (the stats and the stream too).
        Assert.True(served >= Rounds * 9 / 10 + 2, $"the standby served only {served} of {Rounds} token reads");

        // What the dashboard's standby panels and the lag alert read (DashboardQueriesTests leaves them to this test).
        foreach (var metric in new[] { "user_system_standby_lag_seconds{", "user_system_standby_lag_wal_bytes{", "user_system_standby_reads_replay_wait_seconds_bucket{" })
        {
            await Poll.UntilAsync(async () => (await MetricsTextAsync(cluster.B)).Contains(metric, StringComparison.Ordinal)).WaitAsync(FaultTimeout);
        }
    }

    [Fact]
    public async Task ReplayPausedOnTheStandby_TokenReadsStillSeeTheirWrites_FromThePrimaryAfterTheWait()
    {
        await cluster.WaitReadyAsync();
        var standby = await cluster.NodeAsync(standby: true);
        var fallbacksBefore = await MetricAsync(cluster.B, "user_system_standby_reads_fallbacks_total", "reason=\"replay_wait\"");
        await StandbyReadCluster.ScalarAsync<string>(standby, "SELECT pg_wal_replay_pause()::text");
        try
        {
            for (var round = 0; round < 5; round++)
            {
                var (email, token) = await CreateOnAAsync();
                var (user, answered) = await ListOnBAsync(email, token);
                Assert.True(user is not null, $"round {round}: with replay paused, B's token read did not see {email}");
                Assert.True(answered.Lsn >= token.Lsn, "the read answered an older token than it was given");
            }
        }
        finally
        {
            await StandbyReadCluster.ScalarAsync<string>(standby, "SELECT pg_wal_replay_resume()::text");
        }

        var fallbacks = await MetricAsync(cluster.B, "user_system_standby_reads_fallbacks_total", "reason=\"replay_wait\"") - fallbacksBefore;
        Assert.Equal(5, fallbacks);
    }

    [Fact]
    public async Task SwitchoverDuringTokenReads_NoReadSeesOlderDataThanItsToken_AndCachedReadsEqualTheRows()
    {
        await cluster.WaitReadyAsync();
        using var stop = new CancellationTokenSource();
        var rounds = 0;
        var loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (email, token) = await RetryAsync(CreateOnAAsync);
                var (user, answered) = await RetryAsync(() => ListOnBAsync(email, token));
                Assert.True(user is not null, $"a read with the token of {email}'s create did not see it");
                // B caches the user (a GetUser without a token), then A suspends it: B's cache must follow.
                await RetryAsync(() => _b.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync);
                var suspended = await RetryAsync(() => SuspendOnAAsync(user.Id));
                var (again, seen) = await RetryAsync(() => ListOnBAsync(email, suspended));
                Assert.True(again?.Status == UserStatus.Suspended, $"a read with the token of {email}'s suspension saw {again?.Status}");
                Assert.True(seen.Lsn >= suspended.Lsn && answered.Lsn >= token.Lsn, "a read answered an older token than it was given");
                Interlocked.Increment(ref rounds);
            }
        });

        await Poll.UntilAsync(() => Volatile.Read(ref rounds) >= 20).WaitAsync(FaultTimeout);
        await cluster.SwitchoverAsync();
        await cluster.WaitReadyAsync();
        var after = Volatile.Read(ref rounds);
        await Poll.UntilAsync(() => loop.IsCompleted || Volatile.Read(ref rounds) >= after + 20).WaitAsync(FaultTimeout);
        await stop.CancelAsync();
        await loop.WaitAsync(FaultTimeout);
        output.WriteLine($"{rounds} rounds of create, token read, cache, suspend across the switchover");

        // Every user as GetUser answers it on A and on B (their caches, no token) equals its row on
        // the primary, once each instance's invalidations have caught up.
        var rows = await PrimaryRowsAsync();
        foreach (var client in new[] { _a, _b })
        {
            await Poll.UntilAsync(async () =>
            {
                foreach (var (id, (email, version, status)) in rows)
                {
                    var user = await client.GetUserAsync(new GetUserRequest { Id = id, IncludeSuspended = true }).ResponseAsync.DefaultTimeout();
                    if (user.Email != email || user.Etag != "v" + version.ToString(CultureInfo.InvariantCulture) || (int)user.Status != status)
                    {
                        return false;
                    }
                }

                return true;
            }).WaitAsync(FaultTimeout);
        }
    }

    private async Task<(string Email, ConsistencyToken Token)> CreateOnAAsync()
    {
        var email = Users.UniqueEmail("standby");
        using var call = _a.CreateUserAsync(Users.NewRequest(email: email), deadline: DateTime.UtcNow.AddSeconds(10));
        await call.ResponseAsync.DefaultTimeout();
        var header = (await call.ResponseHeadersAsync.DefaultTimeout()).GetValue(ConsistencyToken.Header);
        Assert.True(ConsistencyToken.TryParse(header, out var token), $"CreateUser answered no consistency token ({header})");
        return (email, token);
    }

    private async Task<ConsistencyToken> SuspendOnAAsync(int id)
    {
        using var call = _a.SetUserStatusAsync(new SetUserStatusRequest { Id = id, Status = UserStatus.Suspended }, deadline: DateTime.UtcNow.AddSeconds(10));
        await call.ResponseAsync.DefaultTimeout();
        Assert.True(ConsistencyToken.TryParse((await call.ResponseHeadersAsync.DefaultTimeout()).GetValue(ConsistencyToken.Header), out var token));
        return token;
    }

    /// <summary>B's ListUsers of the one user with <paramref name="email"/>, sending <paramref name="token"/>: the user if B saw it, and the token B answered.</summary>
    private async Task<(Contracts.User? User, ConsistencyToken Answered)> ListOnBAsync(string email, ConsistencyToken token)
    {
        using var call = _b.ListUsersAsync(
            new ListUsersRequest { EmailPrefix = email, PageSize = 10 },
            new Metadata { { ConsistencyToken.Header, token.Format() } },
            deadline: DateTime.UtcNow.AddSeconds(10));
        var page = await call.ResponseAsync.DefaultTimeout();
        var header = (await call.ResponseHeadersAsync.DefaultTimeout()).GetValue(ConsistencyToken.Header);
        Assert.True(ConsistencyToken.TryParse(header, out var answered), $"ListUsers answered no consistency token ({header})");
        return (page.Users.SingleOrDefault(user => user.Email == email), answered);
    }

    // A call that fails while the primary moves is retried (as the client library's retry policy would).
    private static async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException exception) when (exception.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && attempt < 100)
            {
                await Task.Delay(200);
            }
        }
    }

    private static Task<long> StandbyCommitsAsync(string standby) =>
        StandbyReadCluster.ScalarAsync<long>(standby, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");

    /// <summary>The sum of a counter's series on the server's /metrics, optionally only those with <paramref name="label"/>.</summary>
    private static async Task<double> MetricAsync(ServerProcess server, string name, string label = "")
    {
        return (await MetricsTextAsync(server)).Split('\n')
            .Where(line => line.StartsWith(name, StringComparison.Ordinal) && (line.Length == name.Length || line[name.Length] is ' ' or '{') && line.Contains(label, StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>This test class's users as the primary has them: id to (email, version, status).</summary>
    private static async Task<string> MetricsTextAsync(ServerProcess server)
    {
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        return await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)).DefaultTimeout();
    }

    private async Task<Dictionary<int, (string Email, long Version, int Status)>> PrimaryRowsAsync()
    {
        await using var connection = new NpgsqlConnection(await cluster.NodeAsync(standby: false));
        await connection.OpenAsync().DefaultTimeout();
        await using var command = new NpgsqlCommand("SELECT id, email, version, status FROM users WHERE email LIKE 'standby-%'", connection);
        await using var reader = await command.ExecuteReaderAsync().DefaultTimeout();
        var rows = new Dictionary<int, (string, long, int)>();
        while (await reader.ReadAsync())
        {
            rows[reader.GetInt32(0)] = (reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3));
        }

        return rows;
    }
}
