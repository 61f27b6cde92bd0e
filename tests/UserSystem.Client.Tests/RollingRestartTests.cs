using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Client.Tests;

/// <summary>
/// A rolling restart as an operator runs one (issue 20, item 6): two server processes behind the
/// client library's round robin, each stopped gracefully (SIGTERM) and started again in turn while
/// writers keep creating users. Each instance has its own SQLite file, so a create whose answer
/// was lost and that the library retried on the other instance would show up as a user stored twice.
/// </summary>
public sealed class RollingRestartTests
{
    private const int Writers = 4;
    private const int CreatesBetweenSteps = 40;

    private static readonly string[] Settings =
    [
        "Logging:LogLevel:Default=Warning",
        "RateLimit:TokensPerPeriod=100000",
        "RateLimit:BurstLimit=100000",
        "Server:ShutdownTimeoutSeconds=30",
    ];

    [Fact]
    public async Task TwoInstances_RestartedInTurnUnderLoad_LoseNoAcknowledgedCreate_AndFailNoCall()
    {
        using var directory = new TempDirectory();
        var instances = new[]
        {
            await ServerProcess.StartAsync(directory.File("a.db"), Settings),
            await ServerProcess.StartAsync(directory.File("b.db"), Settings),
        };
        try
        {
            await using var client = new ClientTestHost(options =>
            {
                options.Addresses.Add(instances[0].GrpcAddress);
                options.Addresses.Add(instances[1].GrpcAddress);
            });
            var users = client.Get<UserService.UserServiceClient>();
            var load = new CreateLoad(users);
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, Writers).Select(_ => load.RunAsync(stop.Token)).ToArray();

            await load.WaitForMoreAsync(CreatesBetweenSteps);
            for (var i = 0; i < instances.Length; i++)
            {
                instances[i].Terminate();
                await instances[i].WaitForExitAsync().DefaultTimeout();
                Assert.Equal(0, instances[i].ExitCode);
                var stopped = instances[i];
                instances[i] = await stopped.RestartAsync();
                await stopped.DisposeAsync();
                // As an operator would: the next instance stops only once this one takes calls again.
                await WaitForCreatesOnAsync(instances[i].Channel);
                await load.WaitForMoreAsync(CreatesBetweenSteps);
            }

            await stop.CancelAsync();
            await Task.WhenAll(writers).DefaultTimeout();

            var failures = load.Failures;
            Assert.True(failures.Length == 0, $"{failures.Length} calls failed:\n{string.Join('\n', failures)}");
            var stored = new List<string>();
            foreach (var instance in instances)
            {
                stored.AddRange(await EmailsAsync(instance.Channel));
            }

            var duplicates = stored.GroupBy(email => email).Where(group => group.Count() > 1).Select(group => group.Key).ToList();
            Assert.Empty(duplicates);
            var missing = load.Acknowledged.Except(stored).ToList();
            Assert.Empty(missing);
            Assert.True(load.Acknowledged.Length >= (instances.Length + 1) * CreatesBetweenSteps, $"only {load.Acknowledged.Length} creates were acknowledged");
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    private static async Task WaitForCreatesOnAsync(GrpcChannel channel)
    {
        var users = new UserService.UserServiceClient(channel);
        var before = (await users.ListUsersAsync(new ListUsersRequest { Limit = 1 }).ResponseAsync.DefaultTimeout()).Total;
        await Poll.UntilAsync(() => users.ListUsers(new ListUsersRequest { Limit = 1 }, deadline: DateTime.UtcNow.AddSeconds(5)).Total > before).DefaultTimeout();
    }

    private static async Task<List<string>> EmailsAsync(GrpcChannel channel)
    {
        var emails = new List<string>();
        using var stream = new UserService.UserServiceClient(channel).StreamUsers(new StreamUsersRequest(), deadline: DateTime.UtcNow.AddMinutes(1));
        while (await stream.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout())
        {
            emails.Add(stream.ResponseStream.Current.Email);
        }

        return emails;
    }

    /// <summary>Writers creating users through the client library, keeping what was acknowledged and every failure.</summary>
    private sealed class CreateLoad(UserService.UserServiceClient users)
    {
        private readonly ConcurrentQueue<string> _acknowledged = new();
        private readonly ConcurrentQueue<string> _failures = new();

        public string[] Acknowledged => [.. _acknowledged];

        public string[] Failures => [.. _failures];

        public async Task RunAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var request = Users.NewRequest("Rolling");
                try
                {
                    // A call in flight runs to its answer: stopping the writers must not cut one off.
                    var response = await users.CreateUserAsync(request, cancellationToken: CancellationToken.None).ResponseAsync;
                    _acknowledged.Enqueue(response.User.Email);
                }
                catch (RpcException exception)
                {
                    _failures.Enqueue($"{request.Email}: {exception.Status}");
                }
            }
        }

        /// <summary>Waits until <paramref name="count"/> more creates are acknowledged (on whichever instances are up).</summary>
        public Task WaitForMoreAsync(int count)
        {
            var target = _acknowledged.Count + count;
            return Poll.UntilAsync(() => _acknowledged.Count >= target || !_failures.IsEmpty).DefaultTimeout();
        }
    }
}
