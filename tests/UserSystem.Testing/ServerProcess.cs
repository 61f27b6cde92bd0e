using System.Diagnostics;
using System.Net;
using Grpc.Net.Client;

namespace UserSystem.Testing;

/// <summary>
/// The server as a separate OS process (the built UserSystem.Server.dll), for what only a real
/// process shows: signals, exit codes, crashes.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly GrpcChannel _channel;
    private readonly List<string> _output = [];

    private readonly Launch _launch;

    private ServerProcess(Process process, Launch launch, int grpcPort, int httpPort)
    {
        _process = process;
        _launch = launch;
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
        HttpAddress = new Uri($"http://127.0.0.1:{httpPort}");
        _channel = GrpcChannel.ForAddress(GrpcAddress);
    }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    public GrpcChannel Channel => _channel;

    public bool HasExited => _process.HasExited;

    /// <summary>What the server has written to standard output and error so far.</summary>
    public IReadOnlyList<string> OutputLines
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    public int ExitCode => _process.ExitCode;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    public static Task<ServerProcess> StartAsync(string databasePath, params string[] settings) =>
        StartInAsync(AppContext.BaseDirectory, databasePath, settings);

    /// <summary>Starts the server with <paramref name="workingDirectory"/> as its current directory.</summary>
    public static Task<ServerProcess> StartInAsync(string workingDirectory, string databasePath, params string[] settings) =>
        StartAsync(new Launch(workingDirectory, databasePath, settings, LoopbackPorts.Free(), LoopbackPorts.Free()));

    /// <summary>
    /// Starts this server again, once it has exited: the same ports, database and settings, as a
    /// rolling restart brings an instance back behind the same address.
    /// </summary>
    public Task<ServerProcess> RestartAsync()
    {
        if (!_process.HasExited)
        {
            throw new InvalidOperationException("The server is still running; stop it before starting it again.");
        }

        return StartAsync(_launch);
    }

    private static async Task<ServerProcess> StartAsync(Launch launch)
    {
        var (workingDirectory, databasePath, settings, grpcPort, httpPort) = launch;
        var serverDll = Path.Combine(AppContext.BaseDirectory, "UserSystem.Server.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Not Production (which refuses an open server); settings may still choose Auth:Mode=Jwt.
        foreach (var argument in new[] { serverDll, $"--Server:GrpcPort={grpcPort}", $"--Server:HttpPort={httpPort}", $"--Storage:Sqlite:Path={databasePath}", "--environment=Development", "--Auth:Mode=None" }
            .Concat(settings.Select(setting => "--" + setting)))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var server = new ServerProcess(process, launch, grpcPort, httpPort);
        // Keep draining the output (a full pipe would block the child) and keep it for the tests.
        process.OutputDataReceived += (_, line) => server.Record(line.Data);
        process.ErrorDataReceived += (_, line) => server.Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // A cold start (JIT, migrations) on a loaded 2-core CI machine can take longer than the
        // default await timeout; a start that hangs still fails, after StartTimeout.
        await server.WaitUntilHealthyAsync().WaitAsync(StartTimeout);
        return server;
    }

    /// <summary>
    /// Starts a server on PostgreSQL: <paramref name="connectionString"/> names its database.
    /// <paramref name="settings"/> are further configuration overrides (<c>Section:Key=value</c>).
    /// </summary>
    public static Task<ServerProcess> StartOnPostgresAsync(string connectionString, params string[] settings) =>
        StartAsync(Path.Combine(Path.GetTempPath(), "unused-by-postgres.db"), ["Storage:Provider=Postgres", $"ConnectionStrings:Postgres={connectionString}", .. settings]);

    /// <summary>
    /// Runs the server process until it exits (a start that fails, <c>--help</c>): its exit code and
    /// every line it wrote. Development, open mode and free ports unless <paramref name="arguments"/>
    /// say otherwise (later arguments win).
    /// </summary>
    public static async Task<(int ExitCode, List<string> Output)> RunToExitAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "UserSystem.Server.dll"), "--environment=Development", "--Auth:Mode=None", "--Server:GrpcPort=0", "--Server:HttpPort=0" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var lines = (await standardOutput + await standardError).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return (process.ExitCode, lines);
    }

    /// <summary>Sends SIGTERM, as a container runtime or systemd does to stop the server.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>Sends SIGKILL: the process dies at once, as in a crash or an OOM kill, with no chance to clean up.</summary>
    public async Task KillAsync()
    {
        Signal("KILL");
        await _process.WaitForExitAsync().DefaultTimeout();
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {_process.Id} failed with exit code {kill.ExitCode}");
        }
    }

    public Task WaitForExitAsync() => _process.WaitForExitAsync();

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>Waits until a line of the server's output satisfies <paramref name="match"/>.</summary>
    public async Task<string> WaitForOutputAsync(Func<string, bool> match)
    {
        string? line = null;
        await Poll.UntilAsync(() => (line = OutputLines.FirstOrDefault(match)) is not null);
        return line!;
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited during start with code {_process.ExitCode}.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(HttpAddress, "/healthz"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }
    }


    /// <summary>What a start needs, kept for <see cref="RestartAsync"/>.</summary>
    private sealed record Launch(string WorkingDirectory, string DatabasePath, string[] Settings, int GrpcPort, int HttpPort);
}
