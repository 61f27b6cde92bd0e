using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;
using UserSystem.Bench.CacheStaleness;
using UserSystem.Contracts;

// Usage: CacheStaleness <address A> <address B> <PostgreSQL connection string> [rounds (200)] [users (20)] [warm-up rounds (20)]
// Holds a CreateBatchUsers open on A for the whole run (its client sends one item every 500 ms),
// which holds the ordered change feed back on every instance. Meanwhile, round after round, one
// instance changes a user's status (suspend, then activate again) and the other, which has the
// user cached, reads it in a tight loop until it serves the new status. Staleness is the time
// from the writer's acknowledgement to the sending of the first read that served the change (0
// when the first read after the acknowledgement served it), so it leaves out the read's own
// latency, which is printed beside it. Rounds alternate
// the writer between B and A, and cycle over a few users. Prints one line per round to stderr
// and a summary on stdout.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: CacheStaleness <address A> <address B> <PostgreSQL connection string> [rounds] [users]");
    return 2;
}

var rounds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 200;
var userCount = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 20;
// Not counted: the first changes open each instance's notify connection and JIT the paths.
var warmup = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 20;
using var channelA = GrpcChannel.ForAddress(args[0]);
using var channelB = GrpcChannel.ForAddress(args[1]);
var a = new UserService.UserServiceClient(channelA);
var b = new UserService.UserServiceClient(channelB);
await using var database = NpgsqlDataSource.Create(args[2]);

var run = Guid.NewGuid().ToString("N")[..8];
var users = new List<int>();
for (var i = 0; i < userCount; i++)
{
    users.Add((await a.CreateUserAsync(new CreateUserRequest { Name = "Stale probe", Email = $"stale-{run}-{i}@example.com", Age = 30 })).User.Id);
}

await using var batch = await HeldBatch.StartAsync(a, run, database);
Console.Error.WriteLine($"batch held open on A (COPY running with a transaction id: {await HeldBatch.IsHoldingAsync(database)})");

var window = new List<double>();
var readMs = new List<double>();
var roundsWithStaleReads = 0;
var mostStaleReads = 0;
var suspended = new HashSet<int>();
var warmupMaxMs = 0.0;
for (var round = -warmup; round < rounds; round++)
{
    var (writer, reader) = round % 2 == 0 ? (b, a) : (a, b);
    var id = users[(round + warmup) % users.Count];
    var suspend = !suspended.Contains(id);
    // The reader holds the user as it is now (a hit from the second read on).
    await StatusOfAsync(reader, id);
    await StatusOfAsync(reader, id);

    await writer.SetUserStatusAsync(new SetUserStatusRequest { Id = id, Status = suspend ? UserStatus.Suspended : UserStatus.Active });
    var acknowledged = Stopwatch.GetTimestamp();
    var expected = suspend ? StatusCode.PermissionDenied : StatusCode.OK;
    var staleReads = 0;
    while (true)
    {
        var started = Stopwatch.GetTimestamp();
        var served = await StatusOfAsync(reader, id);
        if (round >= 0)
        {
            readMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        if (served == expected)
        {
            // The change was served by a read sent this long after the acknowledgement: the
            // staleness is at most that (0 when the first read after it was already fresh).
            var ms = staleReads == 0 ? 0 : Stopwatch.GetElapsedTime(acknowledged, started).TotalMilliseconds;
            if (round < 0)
            {
                warmupMaxMs = Math.Max(warmupMaxMs, ms);
            }
            else
            {
                window.Add(ms);
            }

            break;
        }

        staleReads++;
        if (Stopwatch.GetElapsedTime(acknowledged) > TimeSpan.FromMinutes(5))
        {
            Console.Error.WriteLine($"round {round}: user {id} still stale after 5 minutes");
            return 1;
        }
    }

    if (suspend)
    {
        suspended.Add(id);
    }
    else
    {
        suspended.Remove(id);
    }

    if (round < 0)
    {
        continue;
    }

    roundsWithStaleReads += staleReads > 0 ? 1 : 0;
    mostStaleReads = Math.Max(mostStaleReads, staleReads);
    Console.Error.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"round {round}: {(round % 2 == 0 ? "B->A" : "A->B")} user {id} {(suspend ? "suspended" : "activated")}: {staleReads} stale reads, served by a read sent {window[^1]:F2} ms after the acknowledgement"));
}

var heldToTheEnd = await HeldBatch.IsHoldingAsync(database);
var created = await batch.CompleteAsync();
window.Sort();
readMs.Sort();
Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"rounds {window.Count}: staleness after the writer's acknowledgement p50 {Percentile(window, 0.50):F2} ms, p99 {Percentile(window, 0.99):F2} ms, max {window[^1]:F2} ms"));
Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"rounds with a stale read {roundsWithStaleReads}, at most {mostStaleReads} stale reads in a round; a read took p50 {Percentile(readMs, 0.50):F2} ms, p99 {Percentile(readMs, 0.99):F2} ms"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up ({warmup} rounds, not counted above): max {warmupMaxMs:F2} ms"));
Console.WriteLine($"batch held open on A for the whole run: {heldToTheEnd}; it then committed {created} users");
return heldToTheEnd ? 0 : 1;

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1))];

static async Task<StatusCode> StatusOfAsync(UserService.UserServiceClient client, int id)
{
    try
    {
        await client.GetUserAsync(new GetUserRequest { Id = id }, deadline: DateTime.UtcNow.AddSeconds(10));
        return StatusCode.OK;
    }
    catch (RpcException exception) when (exception.StatusCode == StatusCode.PermissionDenied)
    {
        return exception.StatusCode;
    }
}
