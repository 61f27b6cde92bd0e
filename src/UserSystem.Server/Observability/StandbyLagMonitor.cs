using Npgsql;
using UserSystem.Server.Storage.Postgres;

namespace UserSystem.Server.Observability;

/// <summary>
/// Samples every standby's replay lag from the primary's <c>pg_stat_replication</c> into
/// <see cref="StandbyReadMetrics"/>, every <see cref="SampleInterval"/>. Runs only with a
/// connection string that lists several hosts. The database role needs <c>pg_monitor</c> (or
/// superuser) to see the lag columns; without it, no standby is reported.
/// </summary>
public sealed partial class StandbyLagMonitor(PostgresDataSources sources, PostgresReadRouter router, StandbyReadMetrics metrics, TimeProvider time, ILogger<StandbyLagMonitor> logger)
    : BackgroundService
{
    internal static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(5);

    // replay_lag is NULL once a standby has been idle and caught up: that is no lag.
    private const string LagSql = """
        SELECT application_name,
               COALESCE(EXTRACT(epoch FROM replay_lag), 0)::float8,
               COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::bigint
        FROM pg_stat_replication WHERE replay_lsn IS NOT NULL
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!router.HasStandbys)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var lags = new List<StandbyLag>();
                await using var command = sources.Reads.CreateCommand(LagSql);
                await using var reader = await command.ExecuteReaderAsync(stoppingToken);
                while (await reader.ReadAsync(stoppingToken))
                {
                    lags.Add(new StandbyLag(reader.GetString(0), reader.GetDouble(1), reader.GetInt64(2)));
                }

                metrics.Lags(lags);
            }
            catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                // The primary is away or moving: health reports that; the lag keeps its last value.
                SampleFailed(logger, exception);
            }

            try
            {
                await Task.Delay(SampleInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "Standby lag: could not read pg_stat_replication")]
    private static partial void SampleFailed(ILogger logger, Exception exception);
}
