using Microsoft.Extensions.Options;

namespace UserSystem.Server.Observability;

/// <summary>
/// Which successful reads write their two per-call lines (call finished 1003, audit 4102): a share
/// <c>Telemetry:SuccessfulReadLogRatio</c>, drawn once per call, before anything is formatted. At
/// tens of thousands of reads a second every line would fill the console logger's queue, and a full
/// queue makes request threads wait. Changes, failed calls and errors are never sampled away; they
/// still wait for the queue when it is full, the right back-pressure for lines that must not be lost.
/// Decided at the call site rather than by Microsoft.Extensions.Telemetry's sampler, which matches
/// its rules against the category and event id of every line written: profiled on GetUser, the
/// extended logger and its sampler took about 13% of the server's CPU, where this is one draw.
/// </summary>
public sealed class CallLogSampling(IOptions<TelemetryOptions> options)
{
    private readonly double _ratio = options.Value.SuccessfulReadLogRatio;

    public bool KeepsSuccessfulRead() => _ratio >= 1 || (_ratio > 0 && Random.Shared.NextDouble() < _ratio);
}
