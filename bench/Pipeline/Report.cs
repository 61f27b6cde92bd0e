using System.Globalization;
using System.Text;

namespace UserSystem.Bench.Pipeline;

/// <summary>Everything measured on one side, one entry per round.</summary>
internal sealed class SideResults
{
    public List<double> StartToServing { get; } = [];
    public List<IReadOnlyList<double>> Warmup { get; } = [];
    public List<H2Result> GetUser1x1 { get; } = [];
    public List<H2Result> GetUser1x50 { get; } = [];
    public List<H2Result> GetUser4x100 { get; } = [];
    public List<double> StreamUsersPerSecond { get; } = [];
    public List<double> StreamBytesPerCall { get; } = [];
    public List<double> StreamCpuMicrosPerUser { get; } = [];
    public List<double> IdleRss { get; } = [];
    public List<double> LoadedRss { get; } = [];
}

/// <summary>The table: medians of each side and their ratio (ours / reference).</summary>
internal static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Table(string store, BenchOptions options, SideResults reference, SideResults ours)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant, $"### {store}: medians of {options.Rounds} alternating rounds, {options.Seconds} s per GetUser run");
        text.AppendLine("| workload | reference | our server | ratio |");
        text.AppendLine("|---|---|---|---|");
        // What the issue judges by first: the server's own CPU per call (from /proc, whoever
        // else shares the cores) and latency at one caller. Throughput is context.
        Row(text, "GetUser server CPU per call, 1x50 (us)", Median(reference.GetUser1x50.Select(r => r.ServerCpuMicrosPerCall)), Median(ours.GetUser1x50.Select(r => r.ServerCpuMicrosPerCall)), "F1");
        Row(text, "GetUser server CPU per call, 4x100 (us)", Median(reference.GetUser4x100.Select(r => r.ServerCpuMicrosPerCall)), Median(ours.GetUser4x100.Select(r => r.ServerCpuMicrosPerCall)), "F1");
        Row(text, "GetUser server CPU per call, 1x1 (us)", Median(reference.GetUser1x1.Select(r => r.ServerCpuMicrosPerCall)), Median(ours.GetUser1x1.Select(r => r.ServerCpuMicrosPerCall)), "F1");
        Row(text, "GetUser 1x1 p50 (ms)", Median(reference.GetUser1x1.Select(r => r.P50Milliseconds)), Median(ours.GetUser1x1.Select(r => r.P50Milliseconds)), "F2");
        Row(text, "GetUser 1x1 p99 (ms)", Median(reference.GetUser1x1.Select(r => r.P99Milliseconds)), Median(ours.GetUser1x1.Select(r => r.P99Milliseconds)), "F2");
        Row(text, "StreamUsers server CPU per user (us)", Median(reference.StreamCpuMicrosPerUser), Median(ours.StreamCpuMicrosPerUser), "F2");
        Throughput(text, "GetUser 1x50", reference.GetUser1x50, ours.GetUser1x50);
        Throughput(text, "GetUser 4x100", reference.GetUser4x100, ours.GetUser4x100);
        Row(text, "StreamUsers (users/s)", Median(reference.StreamUsersPerSecond), Median(ours.StreamUsersPerSecond), "N0");

        var referenceFirst = Median(reference.Warmup.Select(w => w.Count > 0 ? w[0] : 0));
        var oursFirst = Median(ours.Warmup.Select(w => w.Count > 0 ? w[0] : 0));
        Row(text, "first 5 s after start, GetUser 1x50 (req/s)", referenceFirst, oursFirst, "N0");
        var referenceSteady = Median(reference.GetUser1x50.Select(r => r.RequestsPerSecond));
        var oursSteady = Median(ours.GetUser1x50.Select(r => r.RequestsPerSecond));
        text.AppendLine(Invariant, $"| first 5 s / steady 1x50 | {referenceFirst / referenceSteady:F2} | {oursFirst / oursSteady:F2} | |");
        text.AppendLine(Invariant, $"| warm-up curve, req/s per 5 s window (median) | {Curve(reference.Warmup)} | {Curve(ours.Warmup)} | |");
        Row(text, "start to SERVING (ms)", Median(reference.StartToServing), Median(ours.StartToServing), "F0");
        Row(text, "idle RSS (MB)", Median(reference.IdleRss), Median(ours.IdleRss), "F0");
        Row(text, "RSS after the load (MB)", Median(reference.LoadedRss), Median(ours.LoadedRss), "F0");
        return text.ToString();
    }

    /// <summary>Trials: each side's medians, and ours / the trial's (below 1: ours costs less).</summary>
    public static string TrialTable(string store, BenchOptions options, SideResults ours, IReadOnlyList<(string Name, SideResults Results)> trials)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant, $"### trials on {store}: medians of {options.Rounds} rotating rounds, {options.Seconds} s per GetUser run; ratio = ours / trial");
        text.AppendLine(Invariant, $"| workload | ours | {string.Join(" | ", trials.Select(trial => $"{trial.Name} | ratio"))} |");
        text.AppendLine(Invariant, $"|---|---:|{string.Concat(trials.Select(_ => "---:|---:|"))}");
        TrialRow(text, "GetUser server CPU per call, 1x50 (us)", ours.GetUser1x50, trials, trial => trial.GetUser1x50, r => r.ServerCpuMicrosPerCall, "F1");
        TrialRow(text, "GetUser server CPU per call, 4x100 (us)", ours.GetUser4x100, trials, trial => trial.GetUser4x100, r => r.ServerCpuMicrosPerCall, "F1");
        TrialRow(text, "GetUser 1x50 (req/s)", ours.GetUser1x50, trials, trial => trial.GetUser1x50, r => r.RequestsPerSecond, "N0");
        TrialRow(text, "GetUser 1x50 p99 (ms)", ours.GetUser1x50, trials, trial => trial.GetUser1x50, r => r.P99Milliseconds, "F1");
        TrialRow(text, "GetUser 4x100 (req/s)", ours.GetUser4x100, trials, trial => trial.GetUser4x100, r => r.RequestsPerSecond, "N0");
        return text.ToString();
    }

    private static void TrialRow(
        StringBuilder text, string name, List<H2Result> ours, IReadOnlyList<(string Name, SideResults Results)> trials,
        Func<SideResults, List<H2Result>> runs, Func<H2Result, double> figure, string format)
    {
        var mine = Median(ours.Select(figure));
        var cells = trials.Select(trial => Median(runs(trial.Results).Select(figure))).Select(theirs => $"{theirs.ToString(format, Invariant)} | {mine / theirs:F2}");
        text.AppendLine(Invariant, $"| {name} | {mine.ToString(format, Invariant)} | {string.Join(" | ", cells)} |");
    }

    private static void Throughput(StringBuilder text, string name, List<H2Result> reference, List<H2Result> ours)
    {
        Row(text, name + " (req/s)", Median(reference.Select(r => r.RequestsPerSecond)), Median(ours.Select(r => r.RequestsPerSecond)), "N0");
        Row(text, name + " p99 (ms)", Median(reference.Select(r => r.P99Milliseconds)), Median(ours.Select(r => r.P99Milliseconds)), "F1");
    }

    private static void Row(StringBuilder text, string name, double reference, double ours, string format)
    {
        // A workload this run skipped (--workloads getuser) has no row.
        if (double.IsNaN(reference) && double.IsNaN(ours))
        {
            return;
        }

        text.AppendLine(Invariant, $"| {name} | {reference.ToString(format, Invariant)} | {ours.ToString(format, Invariant)} | {ours / reference:F2} |");
    }

    private static string Curve(List<IReadOnlyList<double>> runs)
    {
        var windows = runs.Count == 0 ? 0 : runs.Min(r => r.Count);
        return string.Join(" / ", Enumerable.Range(0, windows).Select(i => Median(runs.Select(r => r[i])).ToString("N0", Invariant)));
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
