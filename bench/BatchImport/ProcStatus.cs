using System.Globalization;

namespace UserSystem.Bench.BatchImport;

/// <summary>Resident memory of a process from /proc/PID/status (Linux): current (VmRSS) and peak (VmHWM), in KiB.</summary>
internal readonly record struct ProcStatus(long RssKb, long HwmKb)
{
    public static ProcStatus Read(int pid)
    {
        long rss = 0, hwm = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = Kilobytes(line);
            }
        }

        return new ProcStatus(rss, hwm);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
