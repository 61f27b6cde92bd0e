using System.Globalization;
using ClientConnections;
using UserSystem.Client;
using UserSystem.Contracts;
using UserSystem.Testing;

// Usage: dotnet run -c Release --project bench/ClientConnections -- [concurrency] [seconds] [pool size] [rounds]
// Starts the built server as its own process on loopback (fresh SQLite file), seeds users, then
// runs each channel variant in turn (rounds interleave them so drift hits all alike).
var concurrency = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 8;
var poolSize = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 4;
var rounds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2;
const int UserCount = 100;

using var directory = new TempDirectory();
await using var server = await ServerProcess.StartAsync(directory.File("users.db"), "Logging:LogLevel:Default=Warning");
var seedOptions = new UserSystemClientOptions();
seedOptions.Addresses.Add(server.GrpcAddress);
using (var seedChannel = UserSystemChannelFactory.Create(seedOptions))
{
    var users = new UserService.UserServiceClient(seedChannel);
    for (var i = 0; i < UserCount; i++)
    {
        await users.CreateUserAsync(new CreateUserRequest { Name = $"Bench {i}", Email = $"bench{i}@example.com", Age = 30 });
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"GetUser, {concurrency} calls in flight, {seconds} s per run after 2 s warm-up, {Environment.ProcessorCount} cores, server {server.GrpcAddress}"));
var results = new List<RunResult>();
for (var round = 1; round <= rounds; round++)
{
    foreach (var create in new Func<ChannelVariant>[] { () => ChannelVariant.SingleConnection(server.GrpcAddress), () => ChannelVariant.Pool(server.GrpcAddress, poolSize), () => ChannelVariant.Library(server.GrpcAddress) })
    {
        using var variant = create();
        var result = await LoadRun.RunAsync(variant, concurrency, UserCount, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(seconds), server.GrpcAddress.Port);
        results.Add(result);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round} | {result.Variant,-58} | {result.RequestsPerSecond,8:0} req/s | p50 {result.P50Milliseconds,7:0.0} ms | p99 {result.P99Milliseconds,7:0.0} ms | {result.Connections} connections | {result.Calls} calls, {result.Errors} errors"));
    }
}

Console.WriteLine();
Console.WriteLine("| variant | connections | requests/s | p50 ms | p99 ms | errors |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var group in results.GroupBy(result => result.Variant))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {group.Key} | {group.Max(r => r.Connections)} | {group.Average(r => r.RequestsPerSecond):0} | {group.Average(r => r.P50Milliseconds):0.0} | {group.Average(r => r.P99Milliseconds):0.0} | {group.Sum(r => r.Errors)} |"));
}
