using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using UserSystem.Server.Consistency;
using UserSystem.Server.Observability;

namespace UserSystem.Server.Storage.Postgres;

/// <summary>
/// Where the store's reads run, and what WAL position they saw (reported to the call's
/// <see cref="ConsistencyScope"/> for its <c>consistency-token</c>).
/// </summary>
/// <remarks>
/// <para>
/// <b>Several hosts.</b> A read the call allows on a standby (<see cref="ReadPreference"/>) opens a
/// <see cref="TargetSessionAttributes.PreferStandby"/> connection and asks how far that node has
/// replayed; it reads there once replay is at or past the call's token (or within the allowed
/// staleness), polling for at most <see cref="StandbyReadOptions.ReplayWait"/>, else reads from
/// the primary. Every read then asks its node's position again, after the read: that position
/// covers everything the read saw (a later snapshot never sees less), which is what the answered
/// token must promise for the next read to be monotonic. That costs one round trip per read.
/// </para>
/// <para>
/// <b>One host.</b> Nothing changes: reads go to the primary without extra round trips, and the
/// answered position is the newest this instance has seen a write commit at (one copy of the data
/// serves every read, so any position is monotonic there).
/// </para>
/// </remarks>
public sealed class PostgresReadRouter : IConsistencySource
{
    /// <summary>This node's role and position: replayed on a standby, written on the primary.</summary>
    internal const string PositionSql = """
        SELECT pg_is_in_recovery(),
               CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END,
               CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                    ELSE COALESCE(EXTRACT(epoch FROM now() - pg_last_xact_replay_timestamp()), 'Infinity') END::float8
        """;

    /// <summary>The primary's WAL position after a commit: at or past the commit record.</summary>
    internal const string CommittedSql = "SELECT pg_current_wal_lsn()";

    // How often a read re-checks a standby that is behind its token (synchronous replication
    // flushes before a commit returns; replay follows within about a millisecond on a healthy pair).
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(2);

    private readonly PostgresDataSources _sources;
    private readonly NpgsqlDataSource _standbys;
    private readonly StandbyReadOptions _options;
    private readonly StandbyReadMetrics? _metrics;
    private readonly TimeProvider _time;
    private long _highest;
    private long _systemId = -1;

    public PostgresReadRouter(PostgresDataSources sources, StandbyReadOptions options, StandbyReadMetrics? metrics, TimeProvider time)
    {
        _sources = sources;
        _standbys = sources.ReadHosts.WithTargetSession(TargetSessionAttributes.PreferStandby);
        _options = options;
        _metrics = metrics;
        _time = time;
        HasStandbys = (new NpgsqlConnectionStringBuilder(sources.ReadHosts.ConnectionString).Host ?? "").Contains(',', StringComparison.Ordinal);
    }

    public ulong? SystemId => Interlocked.Read(ref _systemId) is var id and not -1 ? (ulong)id : null;

    public bool HasStandbys { get; }

    /// <summary>Reads the cluster's system identifier (the same on every node: they are copies of one cluster).</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var command = _sources.Writes.CreateCommand("SELECT system_identifier FROM pg_control_system()");
        Interlocked.Exchange(ref _systemId, (long)(await command.ExecuteScalarAsync(cancellationToken))!);
    }

    /// <summary>Records the position a write committed at (see <see cref="CommittedSql"/>) for the call and this instance.</summary>
    public void Committed(NpgsqlLogSequenceNumber lsn)
    {
        RaiseHighest((ulong)lsn);
        ConsistencyScope.Current?.Observe((ulong)lsn);
    }

    /// <summary>After a write that committed nothing new (a replayed create): the primary's position now.</summary>
    public async Task ObservePrimaryAsync(CancellationToken cancellationToken)
    {
        await using var command = _sources.Writes.CreateCommand(CommittedSql);
        Committed((NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(cancellationToken))!);
    }

    /// <summary>Runs <paramref name="read"/> on the node the call's scope allows, and reports what it saw.</summary>
    public async Task<T> ReadAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var scope = ConsistencyScope.Current;
        if (!HasStandbys)
        {
            await using var only = await _sources.Reads.OpenConnectionAsync(cancellationToken);
            var result = await read(only, cancellationToken);
            scope?.Observe((ulong)Interlocked.Read(ref _highest));
            return result;
        }

        await using var connection = await OpenAsync(scope, cancellationToken);
        var value = await read(connection, cancellationToken);
        var after = await PositionAsync(connection, cancellationToken);
        RaiseHighest(after.Lsn);
        scope?.Observe(after.Lsn);
        return value;
    }

    private async Task<NpgsqlConnection> OpenAsync(ConsistencyScope? scope, CancellationToken cancellationToken)
    {
        if (scope is null || scope.Preference == ReadPreference.Primary)
        {
            return await _sources.Reads.OpenConnectionAsync(cancellationToken);
        }

        var started = Stopwatch.GetTimestamp();
        string reason;
        NpgsqlConnection? standby = null;
        try
        {
            standby = await _standbys.OpenConnectionAsync(cancellationToken);
            while (true)
            {
                var position = await PositionAsync(standby, cancellationToken);
                if (!position.InRecovery)
                {
                    // No standby is reachable (Npgsql's PreferStandby fell back): this is the primary.
                    reason = "no_standby";
                    break;
                }

                if (scope.Preference == ReadPreference.StandbyAtToken
                    ? position.Lsn >= scope.Requested!.Value.Lsn
                    : position.LagSeconds <= _options.MaxStaleness.TotalSeconds)
                {
                    _metrics?.ReplayWaited(Stopwatch.GetElapsedTime(started));
                    _metrics?.Served();
                    var served = standby;
                    standby = null;
                    return served;
                }

                if (Stopwatch.GetElapsedTime(started) >= _options.ReplayWait)
                {
                    reason = "replay_wait";
                    break;
                }

                await Task.Delay(PollInterval, _time, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is NpgsqlException && !cancellationToken.IsCancellationRequested)
        {
            // A standby that fails (restarting, promoted mid-read) costs this read a trip to the primary, not an error.
            reason = "standby_failed";
        }
        finally
        {
            if (standby is not null)
            {
                await standby.DisposeAsync();
            }
        }

        if (scope.Preference == ReadPreference.StandbyAtToken)
        {
            _metrics?.ReplayWaited(Stopwatch.GetElapsedTime(started));
        }

        _metrics?.FellBack(reason);
        return await _sources.Reads.OpenConnectionAsync(cancellationToken);
    }

    private static async Task<NodePosition> PositionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(PositionSql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new NodePosition(reader.GetBoolean(0), (ulong)reader.GetFieldValue<NpgsqlLogSequenceNumber>(1), reader.GetDouble(2));
    }

    private void RaiseHighest(ulong lsn) => WalPositions.RaiseTo(ref _highest, lsn);

    private readonly record struct NodePosition(bool InRecovery, ulong Lsn, double LagSeconds);
}
