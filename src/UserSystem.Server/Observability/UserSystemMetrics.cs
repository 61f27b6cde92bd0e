using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace UserSystem.Server.Observability;

/// <summary>
/// The service's one <see cref="Meter"/>. RPC instruments follow the OpenTelemetry RPC semantic
/// conventions (grpc-dotnet has no server meter of its own); the rest are namespaced <c>user_system.</c>.
/// </summary>
public sealed class UserSystemMetrics
{
    public const string MeterName = "UserSystem.Server";

    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _activeCalls;
    private readonly Counter<long> _usersCreated;
    private readonly Counter<long> _rateLimited;
    // The status codes (0-16) boxed once: a tag value is an object, and a box per call is garbage.
    private static readonly object[] BoxedStatusCodes = [.. Enumerable.Range(0, 17).Select(code => (object)code)];

    private readonly ConcurrentDictionary<string, (string Service, string Method)> _methodNames = new(StringComparer.Ordinal);
    private volatile IReadOnlyList<KeyValuePair<string, HealthStatus>> _health = [];
    private double _feedLagSeconds;
    private double _eventHistoryFill;

    public UserSystemMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _duration = meter.CreateHistogram(
            "rpc.server.call.duration", unit: "s", description: "Duration of gRPC calls handled by the server, by method and status.",
            // The semantic conventions' boundaries, with finer ones below 5 ms where our unary calls are.
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60] });
        _activeCalls = meter.CreateUpDownCounter<long>("rpc.server.active_calls", unit: "{call}", description: "gRPC calls in flight.");
        _usersCreated = meter.CreateCounter<long>("user_system.users.created", unit: "{user}", description: "Users created by any RPC.");
        _rateLimited = meter.CreateCounter<long>("user_system.rate_limit.rejections", unit: "{call}", description: "Calls refused with RESOURCE_EXHAUSTED by a per-caller limit.");
        meter.CreateObservableGauge(
            "user_system.health.status",
            () => _health.Select(check => new Measurement<int>((int)check.Value, new KeyValuePair<string, object?>("check", check.Key))),
            description: "The last health check result by check: 2 healthy, 1 degraded, 0 unhealthy (as /healthz and grpc.health.v1 answer).");
        meter.CreateObservableGauge(
            "user_system.feed.lag",
            () => Volatile.Read(ref _feedLagSeconds),
            unit: "s",
            description: "How long the change feed has been behind the newest committed event: 0 when it has delivered everything.");
        meter.CreateObservableGauge(
            "user_system.event_history.fill_ratio",
            () => Volatile.Read(ref _eventHistoryFill),
            unit: "1",
            description: "Events kept as a share of Storage:Events:MaxCount: at 1, count pruning starts deleting the oldest (older than the age floor).");
    }

    public void CallStarted(string method) => _activeCalls.Add(1, MethodTags(method));

    public void CallEnded(string method, StatusCode status, TimeSpan elapsed)
    {
        _activeCalls.Add(-1, MethodTags(method));
        RecordDuration(method, status, elapsed);
    }

    public void UsersCreated(int count)
    {
        if (count > 0)
        {
            _usersCreated.Add(count);
        }
    }

    /// <summary>The results of the last health check run, one per check.</summary>
    public void HealthReported(HealthReport report) =>
        _health = [.. report.Entries.Select(entry => KeyValuePair.Create(entry.Key, entry.Value.Status))];

    public void FeedLag(TimeSpan lag) => Volatile.Write(ref _feedLagSeconds, lag.TotalSeconds);

    /// <summary>The events count pruning applies to, as a share of <c>Storage:Events:MaxCount</c>.</summary>
    public void EventHistoryFill(double share) => Volatile.Write(ref _eventHistoryFill, share);

    /// <summary>
    /// <paramref name="limit"/> says which limit refused the call (<c>rate</c> or <c>concurrent_streams</c>).
    /// It happens before the interceptors, so its call duration (RESOURCE_EXHAUSTED) is recorded here.
    /// </summary>
    public void RateLimited(string method, string limit, TimeSpan elapsed)
    {
        var tags = MethodTags(method);
        tags.Add("limit", limit);
        _rateLimited.Add(1, tags);
        RecordDuration(method, StatusCode.ResourceExhausted, elapsed);
    }

    private void RecordDuration(string method, StatusCode status, TimeSpan elapsed)
    {
        var tags = MethodTags(method);
        tags.Add("rpc.grpc.status_code", (uint)status < (uint)BoxedStatusCodes.Length ? BoxedStatusCodes[(int)status] : (int)status);
        _duration.Record(elapsed.TotalSeconds, tags);
    }

    // "/user.UserService/GetUser" -> rpc.service "user.UserService", rpc.method "GetUser". Split once
    // per method, not three times per call: the methods are the mapped ones, a fixed set.
    private TagList MethodTags(string fullMethod)
    {
        var (service, method) = _methodNames.GetOrAdd(fullMethod, static name =>
        {
            var slash = name.LastIndexOf('/');
            return (slash > 0 ? name[1..slash] : string.Empty, slash >= 0 ? name[(slash + 1)..] : name);
        });
        return new TagList
        {
            { "rpc.system", "grpc" },
            { "rpc.service", service },
            { "rpc.method", method },
        };
    }
}
