using System.Diagnostics;
using Grpc.Core;
using UserSystem.Contracts;

namespace UserSystem.Bench.Watch;

/// <summary>One write of the fan-out phase: the user it created, stamped just before sending and at the acknowledgement.</summary>
internal readonly record struct Write(int UserId, long SentAt, long AckedAt);

/// <summary>The fan-out latencies over every (write, watcher) pair, from just before each write was sent.</summary>
internal sealed record FanOutResult(double P50Ms, double P99Ms, double MaxMs, long Delivered, long Missed, double AckP50Ms);

/// <summary>The writes of the fan-out phase, and the latencies computed from the stamps after the run.</summary>
internal static class FanOut
{
    /// <summary>Creates <paramref name="count"/> users, <paramref name="spacing"/> apart, from a client of its own.</summary>
    public static async Task<IReadOnlyList<Write>> WriteAsync(UserService.UserServiceClient writer, Metadata bearer, string tag, int count, TimeSpan spacing)
    {
        var writes = new List<Write>(count);
        for (var i = 0; i < count; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            var created = await writer.CreateUserAsync(
                new CreateUserRequest { Name = $"Watch {i}", Email = $"watch-{tag}-{i}@example.com", Age = 30 }, bearer, deadline: DateTime.UtcNow.AddSeconds(30));
            writes.Add(new Write(created.User.Id, sent, Stopwatch.GetTimestamp()));
            await Task.Delay(spacing);
        }

        return writes;
    }

    public static FanOutResult Compute(IReadOnlyList<Write> writes, IReadOnlyList<Watcher> watchers)
    {
        var sentAt = writes.ToDictionary(write => write.UserId, write => write.SentAt);
        var latencies = new List<long>(writes.Count * watchers.Count);
        foreach (var watcher in watchers)
        {
            foreach (var (userId, arrivedAt) in watcher.Arrivals())
            {
                if (sentAt.TryGetValue(userId, out var sent))
                {
                    latencies.Add(arrivedAt - sent);
                }
            }
        }

        latencies.Sort();
        var acks = writes.Select(write => write.AckedAt - write.SentAt).Order().ToList();
        return new FanOutResult(
            Milliseconds(Percentile(latencies, 0.50)),
            Milliseconds(Percentile(latencies, 0.99)),
            Milliseconds(latencies.Count == 0 ? 0 : latencies[^1]),
            latencies.Count,
            ((long)writes.Count * watchers.Count) - latencies.Count,
            Milliseconds(Percentile(acks, 0.50)));
    }

    private static long Percentile(List<long> sorted, double quantile) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(quantile * sorted.Count) - 1)];

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
