using Grpc.Core;
using Npgsql;
using UserSystem.Client;
using UserSystem.Contracts;
using UserSystem.Server.Tests.ScaleOut;
using UserSystem.Testing;
using Xunit.Abstractions;

namespace UserSystem.Server.Tests.HighAvailability;

/// <summary>
/// The service on a pg_auto_failover cluster (a monitor and two synchronous nodes, real
/// processes, run as the postgres user by scripts/ha/cluster.sh): two instances, writers through
/// the client library with request ids, a watcher on each instance; under load, a planned
/// switchover, a kill -9 of the primary (failover, then the old primary rejoins), and a kill -9
/// of the standby. Runs as its own CI step (scripts/test.sh), by its trait.
/// </summary>
[Trait("Category", "Failover")]
[Collection(nameof(FailoverClusters))]
public sealed class PostgresFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Writers = 4;

    // Acknowledged creates to wait for between steps: enough to see that writes go on.
    private const int Steady = 40;

    private static readonly TimeSpan FaultTimeout = TimeSpan.FromSeconds(90);

    private static readonly StatusCode[] RetryableCodes = [StatusCode.Unavailable, StatusCode.DeadlineExceeded];

    private FailoverCluster _cluster = null!;
    private ServerProcess[] _servers = [];

    public async Task InitializeAsync()
    {
        _cluster = await FailoverCluster.StartAsync();
        try
        {
            foreach (var _ in Enumerable.Range(0, 2))
            {
                _servers = [.. _servers, await ServerProcess.StartOnPostgresAsync(_cluster.ConnectionString, AcknowledgedCreates.ServerSettings)];
            }
        }
        catch
        {
            // No cluster may outlive the test, whether or not the runner disposes after a failed start.
            await DisposeAsync();
            _servers = [];
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task SwitchoverPrimaryKillAndStandbyKillUnderLoad_LoseNoAcknowledgedCreate_StoreNoneTwice_AndWatchersSeeEveryEventOnce()
    {
        var options = new UserSystemClientOptions { MaxAttempts = 5 };
        foreach (var server in _servers)
        {
            options.Addresses.Add(server.GrpcAddress);
        }

        using var channel = UserSystemChannelFactory.Create(options);
        var writers = new IdempotentWriters(new UserService.UserServiceClient(channel), Writers);
        var watchers = _servers.Select(server => new FeedWatcher(new UserService.UserServiceClient(server.Channel))).ToArray();
        foreach (var watcher in watchers)
        {
            watcher.Start();
        }

        writers.Start();
        await writers.AcknowledgedMoreAsync(Steady).WaitAsync(FaultTimeout);
        var outages = new List<(string Fault, TimeSpan Outage)>();

        var start = writers.Now;
        await _cluster.SwitchoverAsync();
        await _cluster.WaitReadyAsync();
        await writers.AcknowledgedMoreAsync(Steady).WaitAsync(FaultTimeout);
        outages.Add(("planned switchover", writers.LongestGapSince(start)));

        start = writers.Now;
        var killed = await _cluster.KillPrimaryAsync();
        await writers.AcknowledgedMoreAsync(Steady).WaitAsync(FaultTimeout);
        outages.Add(("kill -9 of the primary", writers.LongestGapSince(start)));
        start = writers.Now;
        await _cluster.StartNodeAsync(killed);
        await _cluster.WaitReadyAsync();
        await writers.AcknowledgedMoreAsync(Steady).WaitAsync(FaultTimeout);
        outages.Add(("old primary rejoining", writers.LongestGapSince(start)));

        start = writers.Now;
        killed = await _cluster.KillSecondaryAsync();
        await writers.AcknowledgedMoreAsync(Steady).WaitAsync(FaultTimeout);
        outages.Add(("kill -9 of the standby", writers.LongestGapSince(start)));
        await _cluster.StartNodeAsync(killed);
        await _cluster.WaitReadyAsync();

        var recovered = writers.Now;
        await writers.AcknowledgedMoreAsync(2 * Steady).WaitAsync(FaultTimeout);
        await writers.StopAsync().WaitAsync(FaultTimeout);
        foreach (var (fault, outage) in outages)
        {
            output.WriteLine($"write outage, {fault}: {outage.TotalSeconds:F1} s");
        }

        var failures = writers.Failures;
        output.WriteLine($"{writers.AcknowledgedCount} creates acknowledged; failed attempts by code: " +
            string.Join(", ", failures.GroupBy(failure => failure.Code).Select(group => $"{group.Key} {group.Count()}")));

        var (users, eventIds, counted) = await ReadDatabaseAsync();
        foreach (var watcher in watchers)
        {
            await Poll.UntilAsync(() => watcher.Events.Count >= eventIds.Count).WaitAsync(FaultTimeout);
            await watcher.StopAsync().DefaultTimeout();
            output.WriteLine($"watcher: {watcher.Events.Count} events, streams ended by: " +
                string.Join(", ", watcher.Endings.GroupBy(code => code).Select(group => $"{group.Key} {group.Count()}")));
        }

        // Only retryable codes during a fault, none once the cluster had recovered.
        Assert.All(failures, failure => Assert.Contains(failure.Code, RetryableCodes));
        Assert.DoesNotContain(failures, failure => failure.Started >= recovered);
        // Every acknowledged create is stored as answered, once: one user per request id, per email.
        var acknowledged = writers.AcknowledgedCreates;
        Assert.Equal(
            acknowledged.Select(ack => (ack.RequestId, ack.Email, ack.UserId)).Order(),
            users.Order());
        Assert.Equal(users.Count, users.Select(user => user.RequestId).Distinct().Count());
        Assert.Equal(users.Count, users.Select(user => user.Email.ToUpperInvariant()).Distinct().Count());
        // The counters the seed's total and GetUserStats read (migration 7) went through every fault with the users they count.
        Assert.Equal(((long)users.Count, (long)users.Count), counted);
        // Each watcher saw exactly the committed events, ids strictly increasing, streams ended only as UNAVAILABLE.
        foreach (var watcher in watchers)
        {
            Assert.Equal(eventIds, watcher.Events.Select(change => change.EventId));
            Assert.All(watcher.Endings, code => Assert.Equal(StatusCode.Unavailable, code));
        }

        Assert.True(eventIds.Zip(eventIds.Skip(1)).All(pair => pair.First < pair.Second));
    }

    /// <summary>
    /// The users (request id, email, id), the event ids in order, and the users as the status and
    /// the daily counters count them, straight from the primary.
    /// </summary>
    private async Task<(List<(string RequestId, string Email, int UserId)> Users, List<long> EventIds, (long ByStatus, long ByDay) Counted)> ReadDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(_cluster.ConnectionString + ";Target Session Attributes=read-write");
        await connection.OpenAsync().DefaultTimeout();
        var users = new List<(string, string, int)>();
        await using (var command = new NpgsqlCommand("SELECT create_request_id, email, id FROM users;", connection))
        await using (var reader = await command.ExecuteReaderAsync().DefaultTimeout())
        {
            while (await reader.ReadAsync())
            {
                users.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
            }
        }

        var events = new List<long>();
        await using (var command = new NpgsqlCommand("SELECT sequence FROM user_events ORDER BY sequence;", connection))
        await using (var reader = await command.ExecuteReaderAsync().DefaultTimeout())
        {
            while (await reader.ReadAsync())
            {
                events.Add(reader.GetInt64(0));
            }
        }

        await using (var command = new NpgsqlCommand(
            "SELECT (SELECT COALESCE(sum(users), 0)::bigint FROM user_status_counts), (SELECT COALESCE(sum(users), 0)::bigint FROM user_daily_counts);", connection))
        await using (var reader = await command.ExecuteReaderAsync().DefaultTimeout())
        {
            await reader.ReadAsync();
            return (users, events, (reader.GetInt64(0), reader.GetInt64(1)));
        }
    }
}
