using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Grpc.Core;

namespace UserSystem.Bench.LoadTool;

/// <summary>
/// What a run measured: calls, throughput, latency percentiles, a count per status code, and the
/// load tool's own CPU per call (it shares the machine's cores with the server it drives).
/// </summary>
internal sealed record LoadResult(
    string Label,
    LoadRpc Rpc,
    int Callers,
    long Calls,
    double Seconds,
    double CallsPerSecond,
    double P50Milliseconds,
    double P90Milliseconds,
    double P99Milliseconds,
    double MaxMilliseconds,
    IReadOnlyDictionary<StatusCode, long> Statuses,
    IReadOnlyDictionary<StatusCode, string> FirstDetails,
    long Unexpected,
    double ClientCpuMillisecondsPerCall)
{
    public static LoadResult From(LoadOptions options, CallRecorder[] recorders, TimeSpan elapsed, TimeSpan clientCpu)
    {
        var latencies = recorders.SelectMany(recorder => recorder.Latencies).ToArray();
        Array.Sort(latencies);
        var statuses = new SortedDictionary<StatusCode, long>();
        var details = new SortedDictionary<StatusCode, string>();
        foreach (var recorder in recorders)
        {
            foreach (var (status, count) in recorder.Statuses)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + count;
            }

            foreach (var (status, detail) in recorder.FirstDetails)
            {
                details.TryAdd(status, detail);
            }
        }

        var unexpected = statuses.Where(pair => !options.Expected.Contains(pair.Key)).Sum(pair => pair.Value);
        return new LoadResult(
            options.Label,
            options.Rpc,
            options.Callers,
            latencies.Length,
            elapsed.TotalSeconds,
            latencies.Length / elapsed.TotalSeconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.90),
            Percentile(latencies, 0.99),
            latencies.Length == 0 ? 0 : Milliseconds(latencies[^1]),
            statuses,
            details,
            unexpected,
            latencies.Length == 0 ? 0 : clientCpu.TotalMilliseconds / latencies.Length);
    }

    /// <summary>Nothing failed unexpectedly, and at least one call was measured.</summary>
    public bool Succeeded => Unexpected == 0 && Calls > 0;

    public string ToText()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Rpc}, {Callers} callers: {Calls} calls in {Seconds:0.00} s = {CallsPerSecond:0} calls/s");
        text.Append(CultureInfo.InvariantCulture, $" | p50 {P50Milliseconds:0.00} ms, p90 {P90Milliseconds:0.00} ms, p99 {P99Milliseconds:0.00} ms, max {MaxMilliseconds:0.00} ms");
        text.Append(" | ").AppendJoin(", ", Statuses.Select(pair => $"{pair.Key} {pair.Value}"));
        text.Append(CultureInfo.InvariantCulture, $" | load tool CPU {ClientCpuMillisecondsPerCall:0.000} ms/call");
        foreach (var (status, detail) in FirstDetails)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  first {status}: {detail}");
        }

        return text.ToString();
    }

    /// <summary>One line of JSON, the last thing the tool prints, for run scripts (jq, python).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("label", Label);
            json.WriteString("rpc", Rpc.ToString());
            json.WriteNumber("callers", Callers);
            json.WriteNumber("calls", Calls);
            json.WriteNumber("seconds", Math.Round(Seconds, 3));
            json.WriteNumber("callsPerSecond", Math.Round(CallsPerSecond, 1));
            json.WriteNumber("p50Ms", Math.Round(P50Milliseconds, 3));
            json.WriteNumber("p90Ms", Math.Round(P90Milliseconds, 3));
            json.WriteNumber("p99Ms", Math.Round(P99Milliseconds, 3));
            json.WriteNumber("maxMs", Math.Round(MaxMilliseconds, 3));
            json.WriteStartObject("statuses");
            foreach (var (status, count) in Statuses)
            {
                json.WriteNumber(status.ToString(), count);
            }

            json.WriteEndObject();
            json.WriteNumber("unexpected", Unexpected);
            json.WriteNumber("clientCpuMsPerCall", Math.Round(ClientCpuMillisecondsPerCall, 4));
            json.WriteBoolean("ok", Succeeded);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static double Percentile(long[] sorted, double fraction) =>
        sorted.Length == 0 ? 0 : Milliseconds(sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(fraction * sorted.Length) - 1))]);

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
