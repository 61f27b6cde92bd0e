using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.HighAvailability;

/// <summary>
/// A pg_auto_failover cluster (a monitor and two synchronous data nodes on loopback) driven
/// through scripts/ha/cluster.sh, the script users try failover with: the test exercises it too.
/// </summary>
internal sealed class FailoverCluster : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);

    private readonly string _script;
    private readonly string _directory;
    private readonly int _port;

    private FailoverCluster(string script, string directory, int port)
    {
        _script = script;
        _directory = directory;
        _port = port;
    }

    /// <summary>An Npgsql connection string listing both data nodes, without Target Session Attributes.</summary>
    public string ConnectionString { get; private set; } = "";

    public static async Task<FailoverCluster> StartAsync()
    {
        var script = RepositoryFiles.PathOf("scripts", "ha", "cluster.sh");
        // Under /tmp, not a test's temporary folder: the postgres OS user must reach it.
        var directory = Path.Combine("/tmp", $"usersystem-ha-test-{Guid.NewGuid():N}");
        var cluster = new FailoverCluster(script, directory, FreePortRun());
        try
        {
            await cluster.RunAsync("up");
            cluster.ConnectionString = (await cluster.RunAsync("connection-string")).Trim();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public Task SwitchoverAsync() => RunAsync("switchover");

    /// <summary>SIGKILLs the primary's whole process tree; returns its node name.</summary>
    public async Task<string> KillPrimaryAsync() => await KillAsync("primary");

    /// <summary>SIGKILLs the secondary's whole process tree; returns its node name.</summary>
    public async Task<string> KillSecondaryAsync() => await KillAsync("secondary");

    public Task StartNodeAsync(string node) => RunAsync("start", node);

    /// <summary>Waits for one primary and one secondary again.</summary>
    public Task WaitReadyAsync() => RunAsync("wait-ready", "150");

    public async ValueTask DisposeAsync() => await RunAsync("down");

    private async Task<string> KillAsync(string role)
    {
        var node = (await RunAsync(role)).Trim();
        await RunAsync("kill", node);
        return node;
    }

    private async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { _script, "--dir", _directory, "--port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(CommandTimeout);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"cluster.sh {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}{await output}{Logs()}");
        }

        return await output;
    }

    // The end of each node's log, for a failure message that says what the cluster did.
    private string Logs()
    {
        var logs = Path.Combine(_directory, "logs");
        return !Directory.Exists(logs) ? "" : string.Concat(Directory.GetFiles(logs).Order().Select(file =>
            $"\n--- {Path.GetFileName(file)}\n{string.Join('\n', File.ReadLines(file).TakeLast(15))}"));
    }

    // Three consecutive free ports (the monitor's, then each node's).
    private static int FreePortRun()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var first = Random.Shared.Next(20000, 40000);
            if (Enumerable.Range(first, 3).All(IsFree))
            {
                return first;
            }
        }

        throw new InvalidOperationException("No three consecutive free ports found.");

        static bool IsFree(int port)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }

}
