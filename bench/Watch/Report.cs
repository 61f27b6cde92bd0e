using System.Globalization;
using System.Text;

namespace UserSystem.Bench.Watch;

/// <summary>The table and the one-line summary.</summary>
internal static class Report
{
    public sealed record Row(
        int Watchers, int Callers, int Connections, double OpenSeconds, MemorySample Idle, MemorySample Watching,
        FanOutResult FanOut, TimeSpan ServerCpu, TimeSpan ClientCpu, int FailedWatchers)
    {
        public double RssKilobytesPerWatcher => (Watching.ResidentMegabytes - Idle.ResidentMegabytes) * 1024 / Watchers;

        public double? HeapKilobytesPerWatcher => Watching.GcHeapMegabytes - Idle.GcHeapMegabytes is { } delta ? delta * 1024 / Watchers : null;
    }

    public static string Line(WatchOptions options, Row row) =>
        Invariant($"  {row.Watchers:N0} watchers ({row.Callers:N0} callers, {row.Connections} connections) open in {row.OpenSeconds:F1} s; ") +
        Invariant($"RSS {row.Idle.ResidentMegabytes:F0} -> {row.Watching.ResidentMegabytes:F0} MB ({row.RssKilobytesPerWatcher:F1} KB/watcher), ") +
        Invariant($"GC heap {Heap(row.Idle)} -> {Heap(row.Watching)} MB ({Optional(row.HeapKilobytesPerWatcher)} KB/watcher); ") +
        Invariant($"{options.Writes} writes: fan-out p50 {row.FanOut.P50Ms:F1} ms p99 {row.FanOut.P99Ms:F1} ms max {row.FanOut.MaxMs:F1} ms, ") +
        Invariant($"{row.FanOut.Missed} missed; server CPU {row.ServerCpu.TotalSeconds:F2} s, client CPU {row.ClientCpu.TotalSeconds:F2} s");

    public static string Table(WatchOptions options, IReadOnlyList<Row> rows)
    {
        var table = new StringBuilder();
        table.AppendLine(Invariant($"WatchUsers, {options.Store}, {options.Writes} writes {options.SpacingMilliseconds} ms apart; latency from just before each write was sent to its arrival at each watcher"));
        table.AppendLine("| watchers | callers / connections | RSS idle -> watching (MB) | RSS per watcher | GC heap per watcher | fan-out p50 / p99 / max (ms) | missed | write ack p50 (ms) | server CPU, fan-out (s) | client CPU, fan-out (s) |");
        table.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            table.Append(Invariant($"| {row.Watchers:N0} | {row.Callers:N0} / {row.Connections} | {row.Idle.ResidentMegabytes:F0} -> {row.Watching.ResidentMegabytes:F0} | "))
                .Append(Invariant($"{row.RssKilobytesPerWatcher:F1} KB | {Optional(row.HeapKilobytesPerWatcher)} KB | {row.FanOut.P50Ms:F1} / {row.FanOut.P99Ms:F1} / {row.FanOut.MaxMs:F1} | "))
                .AppendLine(Invariant($"{row.FanOut.Missed} | {row.FanOut.AckP50Ms:F2} | {row.ServerCpu.TotalSeconds:F2} | {row.ClientCpu.TotalSeconds:F2} |"));
        }

        return table.ToString();
    }

    public static string Summary(WatchOptions options, IReadOnlyList<Row> rows) =>
        "summary: " + string.Join("; ", rows.Select(row => Invariant(
            $"{options.Store} {row.Watchers:N0} watchers: {row.RssKilobytesPerWatcher:F1} KB RSS/watcher, fan-out p99 {row.FanOut.P99Ms:F1} ms, {row.FanOut.Missed} missed")));

    private static string Heap(MemorySample sample) => Optional(sample.GcHeapMegabytes);

    private static string Optional(double? value) => value is { } number ? number.ToString("F1", CultureInfo.InvariantCulture) : "n/a";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
