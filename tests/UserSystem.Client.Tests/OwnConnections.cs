using System.Globalization;

namespace UserSystem.Client.Tests;

/// <summary>This process's established TCP connections to a port, read from Linux /proc.</summary>
internal static class OwnConnections
{
    private static readonly string[] Tables = ["/proc/net/tcp", "/proc/net/tcp6"];

    public static int To(int port)
    {
        var ownSockets = Directory.EnumerateFileSystemEntries("/proc/self/fd")
            .Select(descriptor => new FileInfo(descriptor).LinkTarget)
            .Where(target => target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            .Select(target => target!["socket:[".Length..^1])
            .ToHashSet(StringComparer.Ordinal);

        // Columns: sl local_address rem_address st ... inode (10th); state 01 is ESTABLISHED.
        return Tables.Where(File.Exists).SelectMany(table => File.ReadLines(table).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(columns => columns.Length > 9 && columns[3] == "01"
                && int.Parse(columns[2].Split(':')[^1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port
                && ownSockets.Contains(columns[9]));
    }
}
