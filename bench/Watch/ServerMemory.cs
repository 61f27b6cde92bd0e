using System.Globalization;

namespace UserSystem.Bench.Watch;

/// <summary>The server's resident memory (VmRSS) and its managed heap as its own <c>/metrics</c> exports it.</summary>
internal readonly record struct MemorySample(double ResidentMegabytes, double? GcHeapMegabytes)
{
    // The runtime's own meter (System.Runtime), exported by the server: the heap size after the
    // last collection, summed over the generations (a line is `name{labels} value [timestamp]`).
    private const string GcHeapMetric = "dotnet_gc_last_collection_heap_size_bytes";

    public static async Task<MemorySample> TakeAsync(UserSystem.Bench.Pipeline.ServerProcess server, HttpClient metrics)
    {
        double? heap = null;
        try
        {
            var text = await metrics.GetStringAsync("/metrics");
            var bytes = text.Split('\n')
                .Where(line => line.StartsWith(GcHeapMetric, StringComparison.Ordinal))
                .Sum(line => double.Parse(line[(line.IndexOf('}', StringComparison.Ordinal) + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
            heap = bytes > 0 ? bytes / (1024 * 1024) : null;
        }
        catch (HttpRequestException)
        {
            // No metrics endpoint: RSS alone.
        }

        return new MemorySample(server.ResidentMegabytes(), heap);
    }
}
