using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using UserSystem.Contracts;

// The read probe of run.sh: one caller, one call at a time, against one server on a
// pg_auto_failover cluster. Prints p50/p99 of GetUser (a cache miss: the server runs with
// Cache:Enabled=false, and a token read skips the cache anyway) and ListUsers (a page of 50),
// each without a token (the primary) and with a token the standby has replayed (the standby),
// in alternating blocks; then "write then read": CreateUser, and ListUsers with its token.
//   StandbyReads <grpc address> <calls per kind>
var address = new Uri(args[0]);
var calls = int.Parse(args[1], CultureInfo.InvariantCulture);
using var channel = GrpcChannel.ForAddress(address);
var client = new UserService.UserServiceClient(channel);

// Users to read, and a token past all of them.
var ids = new List<int>();
string token = "";
for (var i = 0; i < 200; i++)
{
    using var create = client.CreateUserAsync(new CreateUserRequest { Name = $"Bench {i}", Email = $"bench-{Guid.NewGuid():N}@example.com", Age = 30 });
    ids.Add((await create.ResponseAsync).User.Id);
    token = (await create.ResponseHeadersAsync).GetValue(ConsistencyToken.Header) ?? throw new InvalidOperationException("no consistency-token answered");
}

var withToken = new Metadata { { ConsistencyToken.Header, token } };
var kinds = new (string Name, Func<int, Task> Call)[]
{
    ("GetUser, primary (no token)", i => client.GetUserAsync(new GetUserRequest { Id = ids[i % ids.Count] }).ResponseAsync),
    ("GetUser, standby (token)", i => client.GetUserAsync(new GetUserRequest { Id = ids[i % ids.Count] }, withToken).ResponseAsync),
    ("ListUsers 50, primary (no token)", _ => client.ListUsersAsync(new ListUsersRequest { PageSize = 50 }).ResponseAsync),
    ("ListUsers 50, standby (token)", _ => client.ListUsersAsync(new ListUsersRequest { PageSize = 50 }, withToken).ResponseAsync),
};
var samples = kinds.Select(_ => new List<double>()).ToArray();
const int Block = 50;
for (var warm = 0; warm < 2; warm++)
{
    for (var done = 0; done < (warm == 0 ? Block : calls); done += Block)
    {
        for (var kind = 0; kind < kinds.Length; kind++)
        {
            for (var i = done; i < done + Block; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await kinds[kind].Call(i);
                if (warm == 1)
                {
                    samples[kind].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        }
    }
}

for (var kind = 0; kind < kinds.Length; kind++)
{
    Console.WriteLine($"{kinds[kind].Name,-34} n={samples[kind].Count} p50={Percentile(samples[kind], 0.5):F3} ms p99={Percentile(samples[kind], 0.99):F3} ms");
}

// Read-your-writes right after the write: the read waits for the standby's replay, or falls back.
var rounds = new List<double>();
for (var i = 0; i < calls; i++)
{
    using var create = client.CreateUserAsync(new CreateUserRequest { Name = "Bench RYW", Email = $"bench-{Guid.NewGuid():N}@example.com", Age = 30 });
    await create.ResponseAsync;
    var written = (await create.ResponseHeadersAsync).GetValue(ConsistencyToken.Header)!;
    var started = Stopwatch.GetTimestamp();
    await client.ListUsersAsync(new ListUsersRequest { PageSize = 50 }, new Metadata { { ConsistencyToken.Header, written } }).ResponseAsync;
    rounds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
}

Console.WriteLine($"{"ListUsers 50 right after a create",-34} n={rounds.Count} p50={Percentile(rounds, 0.5):F3} ms p99={Percentile(rounds, 0.99):F3} ms");

static double Percentile(List<double> values, double quantile)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Round(quantile * (sorted.Count - 1))];
}
