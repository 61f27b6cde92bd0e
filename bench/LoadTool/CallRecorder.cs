using Grpc.Core;

namespace UserSystem.Bench.LoadTool;

/// <summary>One caller's latencies (Stopwatch ticks) and status counts; owned by that caller alone, so no locks.</summary>
internal sealed class CallRecorder
{
    public List<long> Latencies { get; } = new(16_384);

    public Dictionary<StatusCode, long> Statuses { get; } = [];

    /// <summary>The first detail seen per non-OK status, to say why calls failed.</summary>
    public Dictionary<StatusCode, string> FirstDetails { get; } = [];

    public void Record(StatusCode status, long elapsedTicks, string detail)
    {
        Latencies.Add(elapsedTicks);
        Statuses[status] = Statuses.GetValueOrDefault(status) + 1;
        if (status != StatusCode.OK)
        {
            FirstDetails.TryAdd(status, detail);
        }
    }
}
