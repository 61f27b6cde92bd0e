using System.Diagnostics;
using UserSystem.Contracts;

namespace ClientConnections;

/// <summary>Keeps <c>concurrency</c> GetUser calls in flight for a fixed time and records each call's latency.</summary>
internal static class LoadRun
{
    public static async Task<RunResult> RunAsync(ChannelVariant variant, int concurrency, int userCount, TimeSpan warmUp, TimeSpan duration, int serverPort)
    {
        // Warm-up: connections open, JIT settles; its calls are not counted.
        await DriveAsync(variant, concurrency, userCount, warmUp, record: null);
        var latencies = new List<double>[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            latencies[i] = new List<double>(4096);
        }

        var started = Stopwatch.GetTimestamp();
        var errors = await DriveAsync(variant, concurrency, userCount, duration, latencies);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var connections = ConnectionCounter.CountTo(serverPort);
        var all = latencies.SelectMany(list => list).Order().ToArray();
        return new RunResult(variant.Name, all.Length, errors, all.Length / elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), connections);
    }

    private static async Task<int> DriveAsync(ChannelVariant variant, int concurrency, int userCount, TimeSpan duration, List<double>[]? record)
    {
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var errors = 0;
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var id = worker;
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                id = (id % userCount) + 1;
                var callStarted = Stopwatch.GetTimestamp();
                try
                {
                    await variant.NextClient().GetUserAsync(new GetUserRequest { Id = id }, deadline: DateTime.UtcNow.AddSeconds(30));
                    record?[worker].Add(Stopwatch.GetElapsedTime(callStarted).TotalMilliseconds);
                }
                catch (Grpc.Core.RpcException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        await Task.WhenAll(workers);
        return errors;
    }

    private static double Percentile(double[] sorted, double fraction) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
}

internal sealed record RunResult(string Variant, int Calls, int Errors, double RequestsPerSecond, double P50Milliseconds, double P99Milliseconds, int Connections);
