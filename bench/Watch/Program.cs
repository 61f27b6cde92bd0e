using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Grpc.Core;
using UserSystem.Bench.Pipeline;
using UserSystem.Bench.Watch;
using UserSystem.Contracts;
using UserSystem.Server.Security;

// bench/Watch: see README.md. run.sh publishes the server, starts PostgreSQL if asked, and passes the paths.
var options = WatchOptions.Parse(args);
Directory.CreateDirectory(options.WorkDirectory);
var jwt = new JwtAuthOptions { SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
var results = new List<Report.Row>();
foreach (var count in options.Watchers)
{
    results.Add(await MeasureAsync(count));
    Console.WriteLine(Report.Line(options, results[^1]));
}

Console.WriteLine();
Console.WriteLine(Report.Table(options, results));
Console.WriteLine(Report.Summary(options, results));
return results.Any(row => row.FanOut.Missed > 0 || row.FailedWatchers > 0) ? 1 : 0;

async Task<Report.Row> MeasureAsync(int count)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== {options.Store}, {count:N0} watchers: a fresh server"));
    await using var server = await ServerProcess.StartAsync(ServerSpec(), Path.Combine(options.WorkDirectory, $"server-{count}.log"));
    using var metrics = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:55282") };
    var writer = new UserService.UserServiceClient(server.Channel);
    var writerBearer = Bearer("watch-bench-writer");

    // The watch path's first use (its code, the first events) before the baseline, so the
    // per-watcher figure does not carry one-off costs.
    await using (var warm = await WatcherSet.OpenAsync(new Uri("http://127.0.0.1:55281"), 16, options, caller => Token($"watch-warm-{caller}"), 3))
    {
        await FanOut.WriteAsync(writer, writerBearer, $"warm-{count}", 3, TimeSpan.FromMilliseconds(50));
        await warm.WaitForAsync(3, TimeSpan.FromSeconds(30));
    }

    await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds));
    var idle = await MemorySample.TakeAsync(server, metrics);

    var opening = Stopwatch.StartNew();
    await using var watchers = await WatcherSet.OpenAsync(new Uri("http://127.0.0.1:55281"), count, options, caller => Token($"watch-{count}-{caller}"), options.Writes);
    var openSeconds = opening.Elapsed.TotalSeconds;
    await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds));
    var watching = await MemorySample.TakeAsync(server, metrics);

    var serverCpu = server.CpuTime();
    var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
    var writes = await FanOut.WriteAsync(writer, writerBearer, $"run-{count}", options.Writes, TimeSpan.FromMilliseconds(options.SpacingMilliseconds));
    await watchers.WaitForAsync(options.Writes, TimeSpan.FromSeconds(30));
    serverCpu = server.CpuTime() - serverCpu;
    clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientCpu;

    var failed = watchers.Watchers.Where(watcher => watcher.Failure is not null).ToList();
    if (failed.Count > 0)
    {
        Console.WriteLine($"  {failed.Count} watchers ended early, the first with {failed[0].Failure!.Status}");
    }

    return new Report.Row(count, watchers.Callers, watchers.Connections, openSeconds, idle, watching,
        FanOut.Compute(writes, watchers.Watchers), serverCpu, clientCpu, failed.Count);
}

string Token(string subject) =>
    DevTokenMinter.Mint(jwt, new DevTokenRequest(subject, UserId: null, Email: null, ["admin"], TimeSpan.FromHours(24)));

Metadata Bearer(string subject) => new() { { "authorization", "Bearer " + Token(subject) } };

// Production as shipped (the default environment), with JWT and the shipped rate limits.
ServerSpec ServerSpec()
{
    var arguments = new List<string>
    {
        options.ServerDll, "--Server:GrpcPort=55281", "--Server:HttpPort=55282", "--Auth:Mode=Jwt", "--Auth:Jwt:SigningKey=" + jwt.SigningKey,
    };
    arguments.AddRange(options.Store == "postgres"
        ? ["--Storage:Provider=Postgres", "--ConnectionStrings:Postgres=" + options.PostgresConnection]
        : ["--Storage:Sqlite:Path=" + Path.Combine(options.WorkDirectory, "users.db")]);
    return new ServerSpec("ours", 55281, Path.GetDirectoryName(options.ServerDll)!, arguments, new Dictionary<string, string>());
}
