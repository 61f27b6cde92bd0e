using System.Globalization;
using Npgsql;
using UserSystem.Server.Tests.ScaleOut;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.HighAvailability;

/// <summary>
/// One pg_auto_failover cluster and two server instances on it (A and B) for all of
/// <see cref="StandbyReadTests"/>: starting a cluster takes most of a minute on two cores.
/// </summary>
public sealed class StandbyReadCluster : IAsyncLifetime
{
    /// <summary>The bounded wait for replay the servers run with (Storage:StandbyReads:ReplayWaitMilliseconds).</summary>
    public const int ReplayWaitMilliseconds = 300;

    private FailoverCluster _cluster = null!;

    public ServerProcess A { get; private set; } = null!;

    public ServerProcess B { get; private set; } = null!;

    public string ConnectionString => _cluster.ConnectionString;

    public async Task InitializeAsync()
    {
        _cluster = await FailoverCluster.StartAsync();
        try
        {
            string[] settings = [.. AcknowledgedCreates.ServerSettings, $"Storage:StandbyReads:ReplayWaitMilliseconds={ReplayWaitMilliseconds}"];
            A = await ServerProcess.StartOnPostgresAsync(_cluster.ConnectionString, settings);
            B = await ServerProcess.StartOnPostgresAsync(_cluster.ConnectionString, settings);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in new[] { A, B })
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }

        await _cluster.DisposeAsync();
    }

    public Task SwitchoverAsync() => _cluster.SwitchoverAsync();

    public Task WaitReadyAsync() => _cluster.WaitReadyAsync();

    /// <summary>A connection string for the one node in that role now.</summary>
    public async Task<string> NodeAsync(bool standby)
    {
        var hosts = new NpgsqlConnectionStringBuilder(ConnectionString).Host!.Split(',');
        foreach (var host in hosts)
        {
            var single = new NpgsqlConnectionStringBuilder(ConnectionString) { Host = host, Pooling = false };
            try
            {
                await using var connection = new NpgsqlConnection(single.ConnectionString);
                await connection.OpenAsync().DefaultTimeout();
                await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
                if ((bool)(await command.ExecuteScalarAsync().DefaultTimeout())! == standby)
                {
                    return single.ConnectionString;
                }
            }
            catch (NpgsqlException)
            {
                // A node that is down is in neither role.
            }
        }

        throw new InvalidOperationException($"No {(standby ? "standby" : "primary")} among {string.Join(", ", hosts)}.");
    }

    /// <summary>Runs one statement on a node and returns its first value.</summary>
    public static async Task<T> ScalarAsync<T>(string node, string sql)
    {
        await using var connection = new NpgsqlConnection(node);
        await connection.OpenAsync().DefaultTimeout();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync().DefaultTimeout())!, typeof(T), CultureInfo.InvariantCulture);
    }
}
