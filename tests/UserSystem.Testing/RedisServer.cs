using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace UserSystem.Testing;

/// <summary>
/// One real Redis for the whole test run: a <c>redis-server</c> child process on a free loopback
/// port with a temp working folder and no persistence, stopped when the test process exits; or
/// the server named by <c>USERSYSTEM_TEST_REDIS</c> (<c>host:port</c>). Tests get a database of
/// their own each from <see cref="NextConnectionString"/>, so parallel tests never share keys.
/// </summary>
public sealed class RedisServer
{
    public const string EnvironmentVariable = "USERSYSTEM_TEST_REDIS";

    // Redis numbers its logical databases; a test run needs one per test that uses Redis.
    private const int Databases = 1000;

    private static readonly Lazy<Task<RedisServer>> Shared = new(StartSharedAsync);
    private readonly string _endpoint;
    private int _nextDatabase;

    private RedisServer(string endpoint, int firstDatabase)
    {
        _endpoint = endpoint;
        _nextDatabase = firstDatabase;
    }

    /// <summary>The run's server, started on first use.</summary>
    public static Task<RedisServer> GetAsync() => Shared.Value;

    /// <summary>A StackExchange.Redis connection string for a database no other test uses.</summary>
    public string NextConnectionString()
    {
        var database = Interlocked.Increment(ref _nextDatabase);
        return database < Databases
            ? $"{_endpoint},defaultDatabase={database.ToString(CultureInfo.InvariantCulture)}"
            : throw new InvalidOperationException($"More than {Databases} tests asked for a Redis database.");
    }

    /// <summary>Sends one inline command (e.g. <c>DBSIZE</c>) to the database of <paramref name="connectionString"/>; returns the reply line.</summary>
    public static async Task<string> CommandAsync(string connectionString, string command)
    {
        var parts = connectionString.Split(',');
        var database = parts.Skip(1).Select(part => part.Split('=')).First(pair => pair[0] == "defaultDatabase")[1];
        var reply = await SendAsync(parts[0], $"SELECT {database}", command);
        return reply[^1];
    }

    private static async Task<RedisServer> StartSharedAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } external)
        {
            // Start high so a shared server's low databases (someone's data) stay untouched.
            return new RedisServer(external, firstDatabase: 100);
        }

        var binary = FindBinary() ?? throw new InvalidOperationException(
            "redis-server was not found on PATH. Run the tests with scripts/test.sh (scripts/setup/redis.sh installs it), " +
            $"or set {EnvironmentVariable} to the host:port of a Redis the tests may use.");
        var endpoint = await LocalServer.StartAsync(binary);
        return new RedisServer(endpoint, firstDatabase: 0);
    }

    private static string? FindBinary() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin")
            .Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, "redis-server"))
            .FirstOrDefault(File.Exists);

    private static async Task<string[]> SendAsync(string endpoint, params string[] commands)
    {
        var (host, port) = (endpoint[..endpoint.LastIndexOf(':')], int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture));
        using var client = new TcpClient();
        await client.ConnectAsync(host, port).DefaultTimeout();
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Concat(commands.Select(command => command + "\r\n")))).AsTask().DefaultTimeout();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var replies = new string[commands.Length];
        for (var i = 0; i < commands.Length; i++)
        {
            replies[i] = await reader.ReadLineAsync().DefaultTimeout() ?? throw new IOException("Redis closed the connection.");
        }

        return replies;
    }

    /// <summary>A redis-server owned by this test process.</summary>
    private static class LocalServer
    {
        private const string FolderPrefix = "user-system-redis-";

        public static async Task<string> StartAsync(string binary)
        {
            var root = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Guid.NewGuid():N}");
            Directory.CreateDirectory(root);
            var port = LoopbackPorts.Free();
            var start = new ProcessStartInfo(binary)
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[]
            {
                "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", root,
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--databases", Databases.ToString(CultureInfo.InvariantCulture),
                "--logfile", Path.Combine(root, "server.log"),
            })
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(process, root);
            StartWatchdog(process.Id, root);

            var endpoint = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
            await WaitUntilReadyAsync(endpoint, process, root).DefaultTimeout();
            return endpoint;
        }

        private static async Task WaitUntilReadyAsync(string endpoint, Process process, string root)
        {
            while (true)
            {
                if (process.HasExited)
                {
                    var log = Path.Combine(root, "server.log");
                    throw new InvalidOperationException($"redis-server exited with code {process.ExitCode}: {(File.Exists(log) ? await File.ReadAllTextAsync(log) : "")}");
                }

                try
                {
                    if ((await SendAsync(endpoint, "PING"))[0] == "+PONG")
                    {
                        return;
                    }
                }
                catch (SocketException)
                {
                    // Not listening yet.
                }

                await Task.Delay(50);
            }
        }

        private static void Stop(Process process, string root)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    process.WaitForExit(10_000);
                }

                Directory.Delete(root, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Best effort at process exit: a leftover folder is for the OS temp cleaner.
            }
        }

        // The test host is not always given time for ProcessExit handlers; a detached watchdog
        // stops the server and deletes its folder once this process is gone, however it went.
        private static void StartWatchdog(int serverPid, string root)
        {
            const string Script = """
                exec >/dev/null 2>&1 </dev/null
                while kill -0 "$1" 2>/dev/null; do sleep 1; done
                [ "$(cat /proc/$2/comm 2>/dev/null)" = redis-server ] && kill "$2"
                rm -rf "$3"
                """;
            var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
            foreach (var argument in new[] { "sh", "-c", Script, "watchdog", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), serverPid.ToString(CultureInfo.InvariantCulture), root })
            {
                start.ArgumentList.Add(argument);
            }

            using var watchdog = Process.Start(start) ?? throw new InvalidOperationException("The Redis watchdog did not start.");
        }

    }
}
