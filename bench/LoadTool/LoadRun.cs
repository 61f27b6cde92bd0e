using System.Diagnostics;
using Grpc.Core;
using UserSystem.Contracts;

namespace UserSystem.Bench.LoadTool;

/// <summary>
/// Keeps every caller in a closed loop (one call in flight each, the next sent when the last is
/// answered) until the run's time or call budget is spent, and records each call's latency and status.
/// </summary>
internal sealed class LoadRun(LoadOptions options, CallerPool pool)
{
    // Unique per run, so repeated runs against one database never collide on email.
    private readonly string _runId = Guid.NewGuid().ToString("N")[..10];
    private readonly long[] _sequence = new long[options.Callers];

    public async Task<LoadResult> RunAsync()
    {
        if (options.WarmUp > TimeSpan.Zero)
        {
            await DriveAsync(options.WarmUp, count: null, recorders: null);
        }

        var recorders = Enumerable.Range(0, options.Callers).Select(_ => new CallRecorder()).ToArray();
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        await DriveAsync(options.Duration, options.Count, recorders);
        var elapsed = Stopwatch.GetElapsedTime(started);
        self.Refresh();
        return LoadResult.From(options, recorders, elapsed, self.TotalProcessorTime - cpuBefore);
    }

    private async Task DriveAsync(TimeSpan? duration, long? count, CallRecorder[]? recorders)
    {
        var stopAt = duration is { } limit ? Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        var remaining = count ?? long.MaxValue;
        var callers = Enumerable.Range(0, options.Callers).Select(caller => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < stopAt && Interlocked.Decrement(ref remaining) >= 0)
            {
                var callStarted = Stopwatch.GetTimestamp();
                var status = await CallAsync(caller);
                recorders?[caller].Record(status.StatusCode, Stopwatch.GetTimestamp() - callStarted, status.Detail);
            }
        }));
        await Task.WhenAll(callers);
    }

    private async Task<Status> CallAsync(int caller)
    {
        var client = pool.Clients[caller];
        var headers = pool.Headers[caller];
        var deadline = DateTime.UtcNow + options.Deadline;
        try
        {
            if (options.Rpc == LoadRpc.CreateUser)
            {
                var n = ++_sequence[caller];
                var request = new CreateUserRequest
                {
                    Name = $"Load {caller} {n}",
                    Email = $"load-{_runId}-{caller}-{n}@example.com",
                    Age = 30,
                    RequestId = options.RequestIds ? Guid.NewGuid().ToString() : "",
                };
                await client.CreateUserAsync(request, headers, deadline);
            }
            else
            {
                var span = options.LastId - options.FirstId + 1;
                var id = options.FirstId + (int)((caller + (++_sequence[caller] * options.Callers)) % span);
                await client.GetUserAsync(new GetUserRequest { Id = id }, headers, deadline);
            }

            return Status.DefaultSuccess;
        }
        catch (RpcException exception)
        {
            return exception.Status;
        }
    }
}
