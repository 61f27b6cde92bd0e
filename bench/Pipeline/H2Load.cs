using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf;

namespace UserSystem.Bench.Pipeline;

/// <summary>Runs h2load (Debian nghttp2-client) with a gRPC-framed body and reads its per-request log.</summary>
internal static partial class H2Load
{
    /// <summary>A gRPC message frame: flag 0 (not compressed), 4-byte big-endian length, the message.</summary>
    public static string WriteBody(string directory, string name, IMessage message)
    {
        var payload = message.ToByteArray();
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), payload.Length);
        payload.CopyTo(frame, 5);
        var path = Path.Combine(directory, name + ".bin");
        File.WriteAllBytes(path, frame);
        return path;
    }

    /// <summary>h2load for <paramref name="seconds"/> (or <paramref name="requests"/> calls when seconds is 0).</summary>
    public static async Task<H2Result> RunAsync(
        int port, string method, string body, string? bearer, int connections, int streams, int seconds, int requests, string logPath)
    {
        var info = new ProcessStartInfo("h2load") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-t", "1", "-c", connections.ToString(CultureInfo.InvariantCulture), "-m", streams.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        if (seconds > 0)
        {
            info.ArgumentList.Add("-D");
            info.ArgumentList.Add(seconds.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            info.ArgumentList.Add("-n");
            info.ArgumentList.Add(requests.ToString(CultureInfo.InvariantCulture));
        }

        info.ArgumentList.Add("-d");
        info.ArgumentList.Add(body);
        info.ArgumentList.Add("-H");
        info.ArgumentList.Add("content-type: application/grpc");
        info.ArgumentList.Add("-H");
        info.ArgumentList.Add("te: trailers");
        if (bearer is not null)
        {
            info.ArgumentList.Add("-H");
            info.ArgumentList.Add("authorization: Bearer " + bearer);
        }

        info.ArgumentList.Add("--log-file=" + logPath);
        info.ArgumentList.Add($"http://127.0.0.1:{port}/user.UserService/{method}");

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start h2load (apt-get install nghttp2-client)");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await output;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"h2load failed ({process.ExitCode}): {text}{await error}");
        }

        return Parse(text, logPath);
    }

    private static H2Result Parse(string output, string logPath)
    {
        var finished = FinishedLine().Match(output);
        var counts = RequestsLine().Match(output);
        var traffic = TrafficLine().Match(output);
        if (!finished.Success || !counts.Success || !traffic.Success)
        {
            throw new InvalidOperationException("unexpected h2load output: " + output);
        }

        var seconds = double.Parse(finished.Groups["value"].Value, CultureInfo.InvariantCulture) / (finished.Groups["unit"].Value == "ms" ? 1000 : 1);
        var succeeded = long.Parse(counts.Groups["ok"].Value, CultureInfo.InvariantCulture);
        var failed = long.Parse(counts.Groups["failed"].Value, CultureInfo.InvariantCulture)
            + long.Parse(counts.Groups["errored"].Value, CultureInfo.InvariantCulture);
        var dataBytes = long.Parse(traffic.Groups["data"].Value, CultureInfo.InvariantCulture);

        var durations = new List<long>();
        var ends = new List<long>();
        foreach (var line in File.ReadLines(logPath))
        {
            var columns = line.Split('\t');
            if (columns.Length < 3 || columns[1] != "200")
            {
                continue;
            }

            var start = long.Parse(columns[0], CultureInfo.InvariantCulture);
            var micros = long.Parse(columns[2], CultureInfo.InvariantCulture);
            durations.Add(micros);
            ends.Add(start + micros);
        }

        durations.Sort();
        ends.Sort();
        File.Delete(logPath);
        return new H2Result(succeeded / seconds, Percentile(durations, 0.50), Percentile(durations, 0.99), succeeded, failed, seconds,
            succeeded == 0 ? 0 : dataBytes / (double)succeeded, ends);
    }

    /// <summary>The nearest-rank percentile of sorted durations (us), in ms.</summary>
    private static double Percentile(List<long> sorted, double fraction) =>
        sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(sorted.Count * fraction) - 1)] / 1000.0;

    [GeneratedRegex(@"finished in (?<value>[0-9.]+)(?<unit>ms|s),")]
    private static partial Regex FinishedLine();

    [GeneratedRegex(@"requests: \d+ total, \d+ started, \d+ done, (?<ok>\d+) succeeded, (?<failed>\d+) failed, (?<errored>\d+) errored")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"traffic: .* headers \(space savings [^)]*\), [0-9.]+[KMG]?B \((?<data>\d+)\) data")]
    private static partial Regex TrafficLine();
}

/// <summary>One h2load run: throughput of answered calls, p50 and p99 latency, and each call's end time (us since epoch).</summary>
internal sealed record H2Result(
    double RequestsPerSecond, double P50Milliseconds, double P99Milliseconds, long Succeeded, long Failed, double Seconds, double DataBytesPerCall, IReadOnlyList<long> EndMicros)
{
    /// <summary>The server process's CPU time over the run (user + system) per answered call, in us.</summary>
    public double ServerCpuMicrosPerCall { get; init; }

    /// <summary>Calls answered per second in consecutive windows from the first call's end.</summary>
    public IReadOnlyList<double> Windows(int windowSeconds)
    {
        if (EndMicros.Count == 0)
        {
            return [];
        }

        var first = EndMicros[0];
        var counts = new List<double>();
        foreach (var end in EndMicros)
        {
            var index = (int)((end - first) / (windowSeconds * 1_000_000L));
            while (counts.Count <= index)
            {
                counts.Add(0);
            }

            counts[index]++;
        }

        // The last window is usually partial.
        if (counts.Count > 1)
        {
            counts.RemoveAt(counts.Count - 1);
        }

        return [.. counts.Select(count => count / windowSeconds)];
    }
}
