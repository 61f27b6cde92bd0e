using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;
using ContractUser = UserSystem.Contracts.User;

namespace UserSystem.Server.Tests.ScaleOut;

/// <summary>
/// Drives creates at a server until it dies, counting on the client side what the server
/// acknowledged; then checks every acknowledged create against a (restarted or other) server.
/// </summary>
internal static class AcknowledgedCreates
{
    private const int Writers = 4;

    /// <summary>
    /// Server settings for these tests: the rate limiter's defaults (a burst of 200 per caller)
    /// would otherwise refuse the stream of creates before the kill.
    /// </summary>
    public static readonly string[] ServerSettings = ["RateLimit:BurstLimit=1000000", "RateLimit:TokensPerPeriod=1000000"];

    /// <summary>
    /// Creates users with <see cref="Writers"/> concurrent callers; once <paramref name="killAfter"/>
    /// creates are acknowledged, runs <paramref name="kill"/> while creates are still in flight,
    /// and returns every user whose create was answered OK.
    /// </summary>
    public static async Task<IReadOnlyList<ContractUser>> CreateUntilKilledAsync(ServerProcess server, int killAfter, Func<Task> kill)
    {
        var client = new UserService.UserServiceClient(server.Channel);
        var acknowledged = new List<ContractUser>();
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();

        var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var response = await client.CreateUserAsync(
                        Users.NewRequest($"Writer {writer}"), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync;
                    lock (acknowledged)
                    {
                        acknowledged.Add(response.User);
                        if (acknowledged.Count >= killAfter)
                        {
                            reached.TrySetResult();
                        }
                    }
                }
                catch (RpcException exception) when (exception.StatusCode == StatusCode.ResourceExhausted && !stop.IsCancellationRequested)
                {
                    // Refused, not stored: not acknowledged, and the server is still up. Try again.
                    await Task.Delay(10);
                }
                catch (RpcException)
                {
                    // The server is gone (or going): this create was never acknowledged. Stop writing.
                    return;
                }
            }
        })).ToArray();

        await reached.Task.DefaultTimeout();
        await kill();
        await stop.CancelAsync();
        await Task.WhenAll(writers).DefaultTimeout();
        lock (acknowledged)
        {
            return [.. acknowledged];
        }
    }

    /// <summary>Asserts that <paramref name="client"/> finds each user exactly as acknowledged.</summary>
    public static async Task AssertAllPresentAsync(UserService.UserServiceClient client, IReadOnlyList<ContractUser> acknowledged)
    {
        foreach (var user in acknowledged)
        {
            var stored = await client.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync.DefaultTimeout();
            Assert.Equal(user, stored);
        }
    }
}
