using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace UserSystem.Testing;

/// <summary>
/// One real PostgreSQL for the whole test run: a throwaway cluster (initdb into a temp folder,
/// loopback port, run as the non-root <c>postgres</c> user when we are root) that is stopped and
/// deleted when the test process exits; or the server named by <c>USERSYSTEM_TEST_POSTGRES</c>
/// (an Npgsql connection string with the right to create databases). Tests get a fresh
/// database each from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string EnvironmentVariable = "USERSYSTEM_TEST_POSTGRES";

    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartSharedAsync);
    private readonly NpgsqlDataSource _admin;
    private readonly LocalCluster? _dedicated;

    private PostgresServer(string adminConnectionString, LocalCluster? dedicated = null)
    {
        AdminConnectionString = adminConnectionString;
        _admin = NpgsqlDataSource.Create(adminConnectionString);
        _dedicated = dedicated;
    }

    public string AdminConnectionString { get; }

    /// <summary>The run's server, started on first use.</summary>
    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>
    /// A cluster of the caller's own, for tests that stop and start PostgreSQL under a running
    /// server (the shared one must stay up for the others). Dispose it to stop and delete it.
    /// </summary>
    public static async Task<PostgresServer> StartDedicatedAsync()
    {
        var binaries = FindBinaries() ?? throw new InvalidOperationException("PostgreSQL server binaries (initdb) were not found under /usr/lib/postgresql/*/bin.");
        var cluster = await LocalCluster.StartAsync(binaries);
        return new PostgresServer(cluster.AdminConnectionString, cluster);
    }

    /// <summary>Stops a dedicated cluster as an operator or a crash would (<c>pg_ctl stop -m fast</c>: sessions are cut).</summary>
    public Task StopAsync() => (_dedicated ?? throw new InvalidOperationException("Only a dedicated cluster can be stopped.")).StopServerAsync();

    /// <summary>Starts a stopped dedicated cluster again, on the same port and data.</summary>
    public Task StartAsync() => (_dedicated ?? throw new InvalidOperationException("Only a dedicated cluster can be started.")).StartServerAsync();

    public async ValueTask DisposeAsync()
    {
        await _admin.DisposeAsync();
        _dedicated?.Stop();
    }

    /// <summary>Creates an empty database and returns a connection string for it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"test_{Guid.NewGuid():N}";
        await using (var command = _admin.CreateCommand($"CREATE DATABASE \"{name}\";"))
        {
            await command.ExecuteNonQueryAsync().DefaultTimeout();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    private static async Task<PostgresServer> StartSharedAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } external)
        {
            return new PostgresServer(external);
        }

        var binaries = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb) were not found under /usr/lib/postgresql/*/bin. " +
            "Run the tests with scripts/test.sh (scripts/setup/postgres.sh installs PostgreSQL), " +
            $"or set {EnvironmentVariable} to the connection string of a server where the tests may create databases.");
        var cluster = await LocalCluster.StartAsync(binaries);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();
        return new PostgresServer(cluster.AdminConnectionString);
    }

    private static string? FindBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;

    /// <summary>A cluster in a temp folder, owned by this test process.</summary>
    private sealed class LocalCluster
    {
        private readonly string _binaries;
        private readonly string _root;

        private LocalCluster(string binaries, string root, int port)
        {
            _binaries = binaries;
            _root = root;
            AdminConnectionString = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port,
                Username = "postgres",
                Database = "postgres",
            }.ConnectionString;
        }

        public string AdminConnectionString { get; }

        private const string FolderPrefix = "user-system-postgres-";

        private string DataDirectory => Path.Combine(_root, "data");

        // The pid of the test process that created a cluster's folder.
        private const string OwnerFile = "owner.pid";

        public static async Task<LocalCluster> StartAsync(string binaries)
        {
            DeleteStoppedClusters();
            var root = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Guid.NewGuid():N}");
            Directory.CreateDirectory(root);
            File.WriteAllText(Path.Combine(root, OwnerFile), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (Environment.IsPrivilegedProcess)
            {
                // PostgreSQL refuses to run as root; the folder must belong to the user it runs as.
                await RunAsync("chown", ["postgres:postgres", root]);
            }

            var cluster = new LocalCluster(binaries, root, LoopbackPorts.Free());
            // --no-sync only for creating the template files; the server itself runs with fsync on,
            // so durability tests see real durability.
            await cluster.RunPostgresToolAsync("initdb", ["-D", cluster.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
            await cluster.StartServerAsync();
            cluster.StartWatchdog();
            return cluster;
        }

        public Task StartServerAsync()
        {
            var port = new NpgsqlConnectionStringBuilder(AdminConnectionString).Port;
            return RunPostgresToolAsync("pg_ctl", [
                "-D", DataDirectory, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60",
                "-o", $"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={_root} -c fsync=on -c max_connections=300",
                "start",
            ]);
        }

        public Task StopServerAsync() => RunPostgresToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"]);

        public void Stop()
        {
            try
            {
                using var stop = StartPostgresTool("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "stop"]);
                stop.WaitForExit(30_000);
                Directory.Delete(_root, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Best effort at process exit: a leftover folder is for the OS temp cleaner.
            }
        }

        // The test host is not always given time for ProcessExit handlers (the runner may kill it
        // when the run ends). A detached watchdog stops the cluster and deletes its folder once
        // this process is gone, however it went.
        private void StartWatchdog()
        {
            const string Script = """
                exec >/dev/null 2>&1 </dev/null
                while kill -0 "$1" 2>/dev/null; do sleep 1; done
                if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$2/pg_ctl" -D "$3/data" -m immediate stop
                else "$2/pg_ctl" -D "$3/data" -m immediate stop; fi
                rm -rf "$3"
                """;
            var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
            foreach (var argument in new[] { "sh", "-c", Script, "watchdog", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), _binaries, _root })
            {
                start.ArgumentList.Add(argument);
            }

            using var watchdog = Process.Start(start) ?? throw new InvalidOperationException("The PostgreSQL watchdog did not start.");
        }

        // A test process that is killed cannot clean up; the next run removes what it left, but
        // only clusters whose server is gone (no postmaster.pid) and whose test process is gone
        // too: a test that stops its server on purpose (an outage test) starts it again, and
        // test projects run side by side.
        private static void DeleteStoppedClusters()
        {
            foreach (var folder in Directory.GetDirectories(Path.GetTempPath(), FolderPrefix + "*"))
            {
                if (!File.Exists(Path.Combine(folder, "data", "postmaster.pid")) && !OwnerIsRunning(folder))
                {
                    try
                    {
                        Directory.Delete(folder, recursive: true);
                    }
                    catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                    {
                        // Someone else's or in use: leave it.
                    }
                }
            }
        }

        private static bool OwnerIsRunning(string folder)
        {
            var owner = Path.Combine(folder, OwnerFile);
            return File.Exists(owner)
                && int.TryParse(File.ReadAllText(owner), System.Globalization.CultureInfo.InvariantCulture, out var pid)
                && Directory.Exists($"/proc/{pid}");
        }

        private async Task RunPostgresToolAsync(string tool, string[] arguments)
        {
            using var process = StartPostgresTool(tool, arguments);
            await WaitAsync(process, tool);
        }

        private Process StartPostgresTool(string tool, string[] arguments)
        {
            var path = Path.Combine(_binaries, tool);
            // We are root in CI; PostgreSQL must run as an ordinary user.
            return Environment.IsPrivilegedProcess
                ? Start("runuser", ["-u", "postgres", "--", path, .. arguments])
                : Start(path, arguments);
        }

        private static async Task RunAsync(string fileName, string[] arguments)
        {
            using var process = Start(fileName, arguments);
            await WaitAsync(process, fileName);
        }

        private static Process Start(string fileName, string[] arguments)
        {
            var start = new ProcessStartInfo(fileName)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                // The server pg_ctl starts must not inherit our pipes, or reading them never ends.
                RedirectStandardInput = false,
            };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            return Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        }

        private static async Task WaitAsync(Process process, string name)
        {
            // pg_ctl start leaves the server holding stdout open, so read the pipes only until exit.
            var error = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{name} failed with exit code {process.ExitCode}: {await error.WaitAsync(TimeSpan.FromSeconds(5))}");
            }
        }

    }
}
