using System.Diagnostics;
using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.HighAvailability;

/// <summary>
/// Writers that create users through the client library (which retries UNAVAILABLE by itself),
/// each create with a request_id of its own. A create that still fails is sent again with the
/// same request_id until it is answered, as a careful client does: so every request ends
/// acknowledged, and the database must hold exactly one user per request.
/// </summary>
internal sealed class IdempotentWriters(UserService.UserServiceClient client, int writers)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<Acknowledged> _acknowledged = [];
    private readonly List<Failure> _failures = [];
    private readonly CancellationTokenSource _stop = new();
    private Task[] _running = [];

    /// <summary>A create answered OK: its request, the user, and when the answer came (since start).</summary>
    public sealed record Acknowledged(string RequestId, string Email, int UserId, TimeSpan At);

    /// <summary>An attempt that failed after the client library's own retries.</summary>
    public sealed record Failure(StatusCode Code, string Detail, TimeSpan Started, TimeSpan Ended);

    public TimeSpan Now => _clock.Elapsed;

    public int AcknowledgedCount
    {
        get
        {
            lock (_acknowledged)
            {
                return _acknowledged.Count;
            }
        }
    }

    public IReadOnlyList<Acknowledged> AcknowledgedCreates
    {
        get
        {
            lock (_acknowledged)
            {
                return [.. _acknowledged];
            }
        }
    }

    public IReadOnlyList<Failure> Failures
    {
        get
        {
            lock (_failures)
            {
                return [.. _failures];
            }
        }
    }

    public void Start() => _running = [.. Enumerable.Range(0, writers).Select(writer => Task.Run(() => WriteAsync(writer)))];

    /// <summary>Waits until <paramref name="more"/> further creates are acknowledged.</summary>
    public Task AcknowledgedMoreAsync(int more)
    {
        var target = AcknowledgedCount + more;
        return Poll.UntilAsync(() => AcknowledgedCount >= target);
    }

    /// <summary>Lets each writer finish its request (answered, however many attempts it takes), then stops.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
    }

    /// <summary>
    /// The longest time between two acknowledgements from <paramref name="from"/> on: the write
    /// outage of a fault that started then (writers wait for no one, so a gap is the service's).
    /// </summary>
    public TimeSpan LongestGapSince(TimeSpan from)
    {
        var times = AcknowledgedCreates.Select(ack => ack.At).Where(at => at >= from).Order().ToList();
        var gaps = times.Zip(times.Skip(1), (earlier, later) => later - earlier);
        return times.Count == 0 ? TimeSpan.Zero : gaps.Prepend(times[0] - from).Max();
    }

    private async Task WriteAsync(int writer)
    {
        while (!_stop.IsCancellationRequested)
        {
            var request = Users.NewRequest($"Writer {writer}", Users.UniqueEmail($"w{writer}"));
            request.RequestId = Guid.NewGuid().ToString();
            while (true)
            {
                var started = Now;
                try
                {
                    var response = await client.CreateUserAsync(request, deadline: DateTime.UtcNow.Add(Deadline));
                    lock (_acknowledged)
                    {
                        _acknowledged.Add(new Acknowledged(request.RequestId, request.Email, response.User.Id, Now));
                    }

                    break;
                }
                catch (RpcException exception)
                {
                    lock (_failures)
                    {
                        _failures.Add(new Failure(exception.StatusCode, exception.Status.Detail, started, Now));
                    }

                    await Task.Delay(100);
                }
            }
        }
    }
}
