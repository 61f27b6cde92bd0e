using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using UserSystem.Bench.Scale;
using UserSystem.Contracts;

// Usage: Scale <address> <token> <users> [calls per read (500); 0: only fill]
// Fills the server's store up to <users> users (CreateBatchUsers), then times each read one call
// at a time and prints a table and one JSON line (run.sh compares two sizes).
if (args.Length < 3)
{
    await Console.Error.WriteLineAsync("usage: Scale <address> <token> <users> [calls per read (500); 0: only fill]");
    return 2;
}

var users = int.Parse(args[2], CultureInfo.InvariantCulture);
var calls = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 500;
using var channel = GrpcChannel.ForAddress(args[0]);
var client = new UserService.UserServiceClient(channel);
var headers = new Metadata { { "authorization", "Bearer " + args[1] } };

await ScaleData.FillAsync(client, headers, users);
if (calls == 0)
{
    return 0;
}

var reads = ScaleReads.For(client, headers, users);
var results = new List<ReadTiming>();
foreach (var (name, read) in reads)
{
    results.Add(await ReadTiming.MeasureAsync(name, read, calls));
}

Console.WriteLine($"{users:N0} users, {calls} calls per read, one at a time (ms)");
Console.WriteLine($"{"read",-44} {"p50",8} {"p99",8}");
foreach (var result in results)
{
    Console.WriteLine($"{result.Name,-44} {result.P50,8:F2} {result.P99,8:F2}");
}

Console.WriteLine(ReadTiming.ToJson(users, results));
return 0;
