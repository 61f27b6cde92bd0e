using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace UserSystem.Bench.Pipeline;

/// <summary>
/// One server process (ours or the reference), started through <c>sh -c exec</c> so its output
/// goes to a log file like a service manager's would and the pid is the server's own.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly GrpcChannel _channel;

    private ServerProcess(Process process, GrpcChannel channel, string name, int grpcPort)
    {
        Name = name;
        _process = process;
        _channel = channel;
        GrpcPort = grpcPort;
    }

    public string Name { get; }

    public int GrpcPort { get; }

    public int Pid => _process.Id;

    public GrpcChannel Channel => _channel;

    /// <summary>Time from process start to the first SERVING health answer.</summary>
    public TimeSpan StartToServing { get; private set; }

    public static async Task<ServerProcess> StartAsync(ServerSpec spec, string logPath)
    {
        var info = new ProcessStartInfo("/bin/sh") { WorkingDirectory = spec.WorkingDirectory, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$@\" >>\"$LOG\" 2>&1");
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add("dotnet");
        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["LOG"] = logPath;
        // Production: the default when neither variable is set.
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("DOTNET_ENVIRONMENT");
        foreach (var (key, value) in spec.Environment)
        {
            info.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{spec.GrpcPort}");
        var server = new ServerProcess(process, channel, spec.Name, spec.GrpcPort);
        var health = new Health.HealthClient(channel);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{spec.Name} exited with {process.ExitCode}; see {logPath}");
            }

            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(1));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    server.StartToServing = clock.Elapsed;
                    return server;
                }
            }
            catch (RpcException)
            {
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                await server.DisposeAsync();
                throw new TimeoutException($"{spec.Name} not SERVING after 60 s; see {logPath}");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>
    /// The CPU time the process has used so far, user plus system (utime + stime of
    /// <c>/proc/PID/stat</c>, in clock ticks of 10 ms): the server's own cost, whoever else shares the cores.
    /// </summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count from after it.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary>Resident memory (VmRSS) in MB.</summary>
    public double ResidentMegabytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kilobytes = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                return kilobytes / 1024.0;
            }
        }

        throw new InvalidOperationException("no VmRSS");
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        if (!_process.HasExited)
        {
            // SIGTERM: a graceful stop, as a service manager would.
            Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}

/// <summary>How to start one side of the comparison.</summary>
internal sealed record ServerSpec(
    string Name, int GrpcPort, string WorkingDirectory, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment);
