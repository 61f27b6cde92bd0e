using Grpc.Core;
using UserSystem.Contracts;

namespace UserSystem.Bench.Scale;

/// <summary>
/// The users the reads run over: <c>user{i}@bench.example</c> for i = 1..N in id order, all
/// ACTIVE but the newest ten, which are SUSPENDED (what a status filter has to find at the end).
/// </summary>
internal static class ScaleData
{
    public const int Suspended = 10;

    // The server's default Limits:MaxBatchSize: a larger fill is several batches.
    private const int BatchSize = 100_000;

    public static async Task FillAsync(UserService.UserServiceClient client, Metadata headers, int count)
    {
        var existing = (await client.ListUsersAsync(new ListUsersRequest { Limit = 1 }, headers)).Total;
        if (existing >= count)
        {
            return;
        }

        // Users suspended by an earlier, smaller fill are no longer the newest: activate them.
        await SetStatusAsync(client, headers, existing, UserStatus.Active);
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var first = existing + 1; first <= count; first += BatchSize)
        {
            using var call = client.CreateBatchUsers(headers);
            for (var i = first; i <= Math.Min(count, first + BatchSize - 1); i++)
            {
                await call.RequestStream.WriteAsync(new CreateUserRequest { Name = $"Bench User {i}", Email = $"user{i}@bench.example", Age = 20 + (i % 50), Hobbies = { "reading" } });
            }

            await call.RequestStream.CompleteAsync();
            await call;
        }

        await SetStatusAsync(client, headers, count, UserStatus.Suspended);
        Console.WriteLine($"filled {existing:N0} -> {count:N0} users in {started.Elapsed.TotalSeconds:F1} s");
    }

    // The newest Suspended ids up to last (ids are 1..N: the store was empty before the first fill).
    private static async Task SetStatusAsync(UserService.UserServiceClient client, Metadata headers, int last, UserStatus status)
    {
        for (var id = Math.Max(1, last - Suspended + 1); id <= last && last > 0; id++)
        {
            await client.SetUserStatusAsync(new SetUserStatusRequest { Id = id, Status = status }, headers);
        }
    }
}
