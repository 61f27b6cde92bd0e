using Microsoft.Extensions.Diagnostics.Sampling;
using Microsoft.Extensions.Options;
using UserSystem.Server.Rpc.Interceptors;

namespace UserSystem.Server.Observability;

/// <summary>
/// Log sampling (Microsoft.Extensions.Telemetry's random probabilistic sampler): at tens of
/// thousands of reads a second, two JSON lines per call would fill the console logger's queue,
/// and a full queue makes request threads wait. So only a share
/// (<c>Telemetry:SuccessfulReadLogRatio</c>) of the lines of successful reads is written; the
/// sampler decides before a line is formatted. Changes (their audit line 4100 and call line 1000),
/// failed calls and errors are never sampled away; they still wait for the queue when it is full,
/// which is the right back-pressure for lines that must not be lost.
/// </summary>
internal static class CallLogSampling
{
    public static ILoggingBuilder AddCallLogSampling(this ILoggingBuilder logging)
    {
        logging.AddRandomProbabilisticSampler(_ => { });
        logging.Services.AddOptions<RandomProbabilisticSamplerOptions>().Configure<IOptions<TelemetryOptions>>((sampler, telemetry) =>
        {
            var ratio = telemetry.Value.SuccessfulReadLogRatio;
            sampler.Rules.Add(new RandomProbabilisticSamplerFilterRule(ratio, CallLog.CallsCategory, LogLevel.Information, CallLog.ReadFinishedEventId, eventName: null));
            sampler.Rules.Add(new RandomProbabilisticSamplerFilterRule(ratio, CallLog.AuditCategory, LogLevel.Information, CallLog.ReadAuditedEventId, eventName: null));
            // Everything else: kept. A rule that matches nothing narrower keeps it whole.
            sampler.Rules.Add(new RandomProbabilisticSamplerFilterRule(1.0, categoryName: null, logLevel: null, eventId: null, eventName: null));
        });
        return logging;
    }
}
