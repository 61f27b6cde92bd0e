using System.Diagnostics;
using Npgsql;
using UserSystem.Server.Storage.Postgres;
using UserSystem.Testing;
using Xunit.Abstractions;

namespace UserSystem.Server.Tests.Storage;

/// <summary>
/// A listening connection that goes silent without an error (its backend stopped with SIGSTOP,
/// as a network that drops packets leaves it): the probe finds it, the subscriber is told that
/// notices may be missed, and the store listens again on a new connection. On a cluster of its
/// own, because the test signals a backend's process.
/// </summary>
public sealed class PostgresSilentListenerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly NoticeRecorder _heard = new();
    private PostgresServer _postgres = null!;
    private string _connectionString = "";
    private PostgresUserStore _store = null!;
    private int _stopped;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartDedicatedAsync().WaitAsync(TimeSpan.FromMinutes(2));
        _connectionString = await _postgres.CreateDatabaseAsync();
        _store = new PostgresUserStore(PostgresDataSources.Create(_connectionString), TimeProvider.System, noticeSubscribers: [_heard]);
        await _store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        await _store.WaitForEventsAsync(0, TimeSpan.FromMilliseconds(10), CancellationToken.None).DefaultTimeout();
        await _heard.WaitForAsync("listening").DefaultTimeout();
    }

    public async Task DisposeAsync()
    {
        if (_stopped != 0)
        {
            await SignalAsync("-CONT", _stopped);
        }

        await _store.DisposeAsync().AsTask().DefaultTimeout();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task ListeningBackendStopped_IsFoundByTheProbe_AndListenedOnAgain()
    {
        _stopped = await ListenerPidAsync().DefaultTimeout();
        _heard.Clear();
        var silent = Stopwatch.StartNew();
        await SignalAsync("-STOP", _stopped).DefaultTimeout();

        await _heard.WaitForAsync("not listening").DefaultTimeout();
        output.WriteLine($"found silent after {silent.Elapsed.TotalSeconds:F1} s");
        await _heard.WaitForAsync("listening").DefaultTimeout();

        var again = await ListenerPidAsync().DefaultTimeout();
        Assert.NotEqual(_stopped, again);
    }

    private async Task<int> ListenerPidAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'user-system-listener' AND state = 'idle' ORDER BY backend_start DESC LIMIT 1;",
            connection);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private static async Task SignalAsync(string signal, int pid)
    {
        // bash's own kill: a minimal machine may have no kill binary (procps).
        using var kill = Process.Start("bash", ["-c", $"kill {signal} {pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}"]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }
}
