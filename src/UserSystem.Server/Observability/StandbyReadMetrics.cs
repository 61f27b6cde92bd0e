using System.Diagnostics.Metrics;

namespace UserSystem.Server.Observability;

/// <summary>
/// Reads from PostgreSQL standbys (see <c>Storage/Postgres/PostgresReadRouter</c>): how many a
/// standby served, how many fell back to the primary and why, how long they waited for replay,
/// and how far each standby is behind (sampled by <see cref="StandbyLagMonitor"/>). On the
/// service's one meter (<see cref="UserSystemMetrics.MeterName"/>).
/// </summary>
public sealed class StandbyReadMetrics
{
    private readonly Counter<long> _served;
    private readonly Counter<long> _fellBack;
    private readonly Histogram<double> _replayWait;
    private volatile IReadOnlyList<StandbyLag> _lags = [];

    public StandbyReadMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(UserSystemMetrics.MeterName);
        _served = meter.CreateCounter<long>("user_system.standby_reads.served", unit: "{read}", description: "Reads a standby served (with a consistency token, or within the allowed staleness).");
        _fellBack = meter.CreateCounter<long>(
            "user_system.standby_reads.fallbacks", unit: "{read}",
            description: "Reads meant for a standby that the primary served, by reason: replay_wait (the standby stayed behind), no_standby (none reachable), standby_failed.");
        _replayWait = meter.CreateHistogram(
            "user_system.standby_reads.replay_wait", unit: "s", description: "How long a read waited for a standby to replay up to its token (0 when it already had), fallbacks included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        meter.CreateObservableGauge(
            "user_system.standby.lag",
            () => _lags.Select(lag => new Measurement<double>(lag.Seconds, new KeyValuePair<string, object?>("standby", lag.Name))),
            unit: "s",
            description: "How far each standby's replay is behind the primary, as the primary reports it (pg_stat_replication.replay_lag; 0 when caught up).");
        meter.CreateObservableGauge(
            "user_system.standby.lag_wal",
            () => _lags.Select(lag => new Measurement<long>(lag.Bytes, new KeyValuePair<string, object?>("standby", lag.Name))),
            unit: "By",
            description: "WAL the primary has written that each standby has not replayed yet.");
    }

    public void Served() => _served.Add(1);

    public void FellBack(string reason) => _fellBack.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void ReplayWaited(TimeSpan wait) => _replayWait.Record(wait.TotalSeconds);

    /// <summary>The last sample of every standby the primary streams to.</summary>
    public void Lags(IReadOnlyList<StandbyLag> lags) => _lags = lags;
}

/// <summary>One standby's replay lag, as <c>pg_stat_replication</c> reports it.</summary>
public sealed record StandbyLag(string Name, double Seconds, long Bytes);
