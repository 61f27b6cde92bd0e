using System.Diagnostics;
using System.Security.Cryptography;
using UserSystem.Bench.Pipeline;
using UserSystem.Contracts;

// bench/Pipeline: see README.md. run.sh builds, starts PostgreSQL and passes the paths.
var options = BenchOptions.Parse(args);
Directory.CreateDirectory(options.WorkDirectory);
var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
var bearer = await MintTokenAsync(options.ServerDll, signingKey);
var getBody = H2Load.WriteBody(options.WorkDirectory, "get-user", new GetUserRequest { Id = options.GetUserId });
var streamBody = H2Load.WriteBody(options.WorkDirectory, "stream-users", new StreamUsersRequest());

var reference = new ServerSpec("reference", 55062, Path.GetDirectoryName(options.ReferenceDll)!,
    [options.ReferenceDll, "--port", "55062", "--users", options.Users.ToString(System.Globalization.CultureInfo.InvariantCulture)],
    new Dictionary<string, string>());

var tables = new List<string>();
foreach (var store in options.Stores)
{
    var ours = OurServer(store);
    // Trials take the reference's place: our server again, changed, on its own port, same store.
    var sides = new List<ServerSpec> { ours };
    sides.AddRange(options.IsTrial ? options.Trials.Select((trial, index) => TrialServer(ours, trial, index)) : [reference]);
    Console.WriteLine($"== {store}: seeding {options.Users:N0} users");
    await using (var seeding = await ServerProcess.StartAsync(ours, LogPath("seed")))
    {
        await Seeder.SeedAsync(seeding, bearer, options.Users);
    }

    var results = sides.ToDictionary(side => side.Name, _ => new SideResults());
    for (var round = 0; round < options.Rounds; round++)
    {
        // Rotate which side goes first, so drift in the machine's load hits every side.
        foreach (var spec in sides.Skip(round % sides.Count).Concat(sides.Take(round % sides.Count)))
        {
            Console.WriteLine($"== {store} round {round + 1}/{options.Rounds}: {spec.Name}");
            await MeasureAsync(spec, spec == reference ? null : bearer, results[spec.Name]);
        }
    }

    tables.Add(options.IsTrial
        ? Report.TrialTable(store, options, results["ours"], [.. options.Trials.Select(trial => (trial.Name, results[trial.Name]))])
        : Report.Table(store, options, results["reference"], results["ours"]));
    Console.WriteLine(tables[^1]);
}

Console.WriteLine();
Console.WriteLine(string.Join(Environment.NewLine, tables));
return 0;

ServerSpec TrialServer(ServerSpec ours, Trial trial, int index)
{
    var port = 55063 + (2 * index);
    var arguments = ours.Arguments.Select(argument => argument.StartsWith("--Server:GrpcPort=", StringComparison.Ordinal) ? $"--Server:GrpcPort={port}"
        : argument.StartsWith("--Server:HttpPort=", StringComparison.Ordinal) ? $"--Server:HttpPort={port + 1000}" : argument).ToList();
    if (trial.Dll is { } dll)
    {
        arguments[0] = dll;
    }

    arguments.AddRange(trial.Arguments);
    return new ServerSpec(trial.Name, port, Path.GetDirectoryName(arguments[0])!, arguments, trial.Environment);
}

ServerSpec OurServer(string store)
{
    var arguments = new List<string>
    {
        options.ServerDll,
        "--Server:GrpcPort=55061", "--Server:HttpPort=55081",
        "--Auth:Mode=Jwt", "--Auth:Jwt:SigningKey=" + signingKey,
        // Raised so nothing is refused; the limiter still runs on every call.
        "--RateLimit:TokensPerPeriod=1000000", "--RateLimit:BurstLimit=1000000", "--RateLimit:MaxConcurrentStreams=1000",
    };
    if (store == "postgres")
    {
        arguments.Add("--Storage:Provider=Postgres");
        arguments.Add("--ConnectionStrings:Postgres=" + options.PostgresConnection);
    }
    else
    {
        arguments.Add("--Storage:Sqlite:Path=" + Path.Combine(options.WorkDirectory, "users.db"));
    }

    return new ServerSpec("ours", 55061, Path.GetDirectoryName(options.ServerDll)!, arguments, new Dictionary<string, string>());
}

string LogPath(string name) => Path.Combine(options.WorkDirectory, name + ".log");

async Task MeasureAsync(ServerSpec spec, string? token, SideResults into)
{
    // Fresh start: time to SERVING, then the warm-up curve at once, then steady state.
    await using (var server = await ServerProcess.StartAsync(spec, LogPath(spec.Name)))
    {
        into.StartToServing.Add(server.StartToServing.TotalMilliseconds);
        var warm = await LoadAsync(server, "GetUser", getBody, token, 1, 50, options.WarmupSeconds, 0);
        into.Warmup.Add(warm.Windows(5));
        var small = await LoadAsync(server, "GetUser", getBody, token, 1, 50, options.Seconds, 0);
        into.GetUser1x50.Add(small);
        var large = await LoadAsync(server, "GetUser", getBody, token, 4, 100, options.Seconds, 0);
        into.GetUser4x100.Add(large);
        Console.WriteLine($"  serving after {server.StartToServing.TotalMilliseconds:F0} ms; first windows {string.Join(" ", warm.Windows(5).Select(w => w.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))}; " +
            $"1x50 {small.RequestsPerSecond:N0}/s p99 {small.P99Milliseconds:F1} ms, {small.ServerCpuMicrosPerCall:F1} us CPU/call; " +
            $"4x100 {large.RequestsPerSecond:N0}/s p99 {large.P99Milliseconds:F1} ms, {large.ServerCpuMicrosPerCall:F1} us CPU/call");
        if (options.GetUserOnly)
        {
            return;
        }

        var single = await LoadAsync(server, "GetUser", getBody, token, 1, 1, options.Seconds, 0);
        into.GetUser1x1.Add(single);
        var stream = await LoadAsync(server, "StreamUsers", streamBody, token, 1, 1, 0, options.StreamCalls);
        into.StreamUsersPerSecond.Add(stream.RequestsPerSecond * options.Users);
        into.StreamBytesPerCall.Add(stream.DataBytesPerCall);
        into.StreamCpuMicrosPerUser.Add(stream.ServerCpuMicrosPerCall / options.Users);
        into.LoadedRss.Add(server.ResidentMegabytes());
        Console.WriteLine($"  1x1 p50 {single.P50Milliseconds:F2} ms p99 {single.P99Milliseconds:F2} ms, {single.ServerCpuMicrosPerCall:F1} us CPU/call; " +
            $"stream {stream.RequestsPerSecond * options.Users:N0} users/s ({stream.DataBytesPerCall / options.Users:F1} B/user, {stream.ServerCpuMicrosPerCall / options.Users:F2} us CPU/user)");
    }

    // Another fresh start for idle memory: nothing but the health check has run.
    if (options.GetUserOnly)
    {
        return;
    }

    await using (var idle = await ServerProcess.StartAsync(spec, LogPath(spec.Name)))
    {
        into.StartToServing.Add(idle.StartToServing.TotalMilliseconds);
        await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds));
        into.IdleRss.Add(idle.ResidentMegabytes());
        Console.WriteLine($"  serving after {idle.StartToServing.TotalMilliseconds:F0} ms; idle RSS {into.IdleRss[^1]:F0} MB");
    }
}

// One h2load run against a server, with the server's own CPU time over it (from /proc), per answered call.
async Task<H2Result> LoadAsync(ServerProcess server, string method, string body, string? token, int connections, int streams, int seconds, int requests)
{
    var before = server.CpuTime();
    var result = await H2Load.RunAsync(server.GrpcPort, method, body, token, connections, streams, seconds, requests, LogPath("h2load"));
    var used = server.CpuTime() - before;
    Check(result, server.Name);
    return result with { ServerCpuMicrosPerCall = used.TotalMicroseconds / result.Succeeded };
}

static void Check(H2Result result, string name)
{
    if (result.Failed > 0 || result.Succeeded == 0)
    {
        throw new InvalidOperationException($"{name}: {result.Failed} failed calls, {result.Succeeded} answered");
    }
}

static async Task<string> MintTokenAsync(string serverDll, string signingKey)
{
    var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(serverDll)! };
    foreach (var argument in new[] { serverDll, "token", "--subject", "bench", "--role", "admin", "--minutes", "1440", "--Auth:Jwt:SigningKey=" + signingKey })
    {
        info.ArgumentList.Add(argument);
    }

    using var process = Process.Start(info)!;
    var token = (await process.StandardOutput.ReadToEndAsync()).Trim();
    await process.WaitForExitAsync();
    return process.ExitCode == 0 ? token : throw new InvalidOperationException("token command failed");
}
