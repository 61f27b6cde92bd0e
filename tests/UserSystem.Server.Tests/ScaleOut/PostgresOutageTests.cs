using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.ScaleOut;

/// <summary>
/// PostgreSQL stopped and started again under a running server with load: calls answer
/// UNAVAILABLE (retryable, naming the database) while it is away, never INTERNAL, and the server
/// recovers by itself. Runs on a cluster of its own: the shared one must stay up for the others.
/// </summary>
public sealed class PostgresOutageTests : IAsyncLifetime
{
    private const int Writers = 4;

    private PostgresServer _postgres = null!;
    private ServerProcess _server = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartDedicatedAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var connectionString = await _postgres.CreateDatabaseAsync();
        _server = await ServerProcess.StartOnPostgresAsync(connectionString, AcknowledgedCreates.ServerSettings);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task PostgresStoppedAndStartedUnderLoad_CallsAnswerUnavailableNamingTheDatabase_AndTheServerRecoversByItself()
    {
        var client = new UserService.UserServiceClient(_server.Channel);
        var before = await client.CreateUserAsync(Users.NewRequest("Before")).ResponseAsync.DefaultTimeout();
        var load = new Load(client);
        var writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(load.RunAsync)).ToArray();
        await Poll.UntilAsync(() => load.Count(StatusCode.OK) >= 50).DefaultTimeout();

        await _postgres.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));

        var read = await Assert.ThrowsAsync<RpcException>(() => client.GetUserAsync(new GetUserRequest { Id = before.User.Id }, deadline: Deadline()).ResponseAsync).DefaultTimeout();
        var write = await Assert.ThrowsAsync<RpcException>(() => client.CreateUserAsync(Users.NewRequest("During"), deadline: Deadline()).ResponseAsync).DefaultTimeout();
        // The health endpoint caches its answer for a moment; it must turn unhealthy, not hang.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var health = HttpStatusCode.OK;
        while (health == HttpStatusCode.OK)
        {
            using var probe = await http.GetAsync(new Uri(_server.HttpAddress, "/healthz")).DefaultTimeout();
            health = probe.StatusCode;
            await Task.Delay(100);
        }

        await Poll.UntilAsync(() => load.Count(StatusCode.Unavailable) >= Writers).DefaultTimeout();

        await _postgres.StartAsync().WaitAsync(TimeSpan.FromMinutes(1));

        var okBeforeRestart = load.Count(StatusCode.OK);
        await Poll.UntilAsync(() => load.Count(StatusCode.OK) >= okBeforeRestart + 50).DefaultTimeout();
        load.Stop();
        await Task.WhenAll(writers).DefaultTimeout();
        var after = await client.GetUserAsync(new GetUserRequest { Id = before.User.Id }, deadline: Deadline()).ResponseAsync.DefaultTimeout();

        foreach (var failure in new[] { read, write })
        {
            Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
            Assert.Contains("PostgreSQL database", failure.Status.Detail, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health);
        Assert.Equal([StatusCode.OK, StatusCode.Unavailable], load.Codes().Order());
        Assert.Equal(before.User, after);
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(20);

    /// <summary>Creates users in a loop and counts the status of every answer.</summary>
    private sealed class Load(UserService.UserServiceClient client)
    {
        private readonly ConcurrentDictionary<StatusCode, int> _counts = new();
        private volatile bool _stopped;

        public int Count(StatusCode code) => _counts.GetValueOrDefault(code);

        public StatusCode[] Codes() => [.. _counts.Keys];

        public void Stop() => _stopped = true;

        public async Task RunAsync()
        {
            while (!_stopped)
            {
                try
                {
                    await client.CreateUserAsync(Users.NewRequest("Load"), deadline: Deadline());
                    _counts.AddOrUpdate(StatusCode.OK, 1, (_, count) => count + 1);
                }
                catch (RpcException exception)
                {
                    _counts.AddOrUpdate(exception.StatusCode, 1, (_, count) => count + 1);
                    await Task.Delay(20);
                }
            }
        }
    }
}
