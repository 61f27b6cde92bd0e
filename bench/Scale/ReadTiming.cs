using System.Diagnostics;
using System.Text.Json;

namespace UserSystem.Bench.Scale;

/// <summary>p50 and p99 of one read, timed call by call after a warm-up.</summary>
internal sealed record ReadTiming(string Name, double P50, double P99)
{
    private const int WarmupCalls = 50;

    public static async Task<ReadTiming> MeasureAsync(string name, Func<Task> read, int calls)
    {
        for (var i = 0; i < WarmupCalls; i++)
        {
            await read();
        }

        var milliseconds = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await read();
            milliseconds[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(milliseconds);
        return new ReadTiming(name, Percentile(milliseconds, 0.50), Percentile(milliseconds, 0.99));
    }

    public static string ToJson(int users, IReadOnlyList<ReadTiming> results) => JsonSerializer.Serialize(new
    {
        users,
        reads = results.Select(result => new { name = result.Name, p50 = Math.Round(result.P50, 3), p99 = Math.Round(result.P99, 3) }),
    });

    private static double Percentile(double[] sorted, double fraction) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
}
