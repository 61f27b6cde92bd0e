using System.Globalization;

namespace ClientConnections;

/// <summary>
/// Counts this process's established TCP connections to the server's port (Linux /proc), to show
/// how many HTTP/2 connections each variant really opened. Only sockets this process still holds
/// open count, so connections of a disposed variant that are still closing do not.
/// </summary>
internal static class ConnectionCounter
{
    private const string Established = "01";

    // .NET opens dual-mode sockets, so IPv4 loopback connections are listed in tcp6 as well as tcp.
    private static readonly string[] Tables = ["/proc/net/tcp", "/proc/net/tcp6"];

    public static int CountTo(int serverPort)
    {
        if (!Directory.Exists("/proc/self/fd"))
        {
            return -1;
        }

        var ownSockets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var descriptor in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            var target = new FileInfo(descriptor).LinkTarget;
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                ownSockets.Add(target["socket:[".Length..^1]);
            }
        }

        // Columns: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
        return Tables.Where(File.Exists).SelectMany(table => File.ReadLines(table).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(columns => columns.Length > 9 && columns[3] == Established
                && int.Parse(columns[2].Split(':')[^1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == serverPort
                && ownSockets.Contains(columns[9]));
    }
}
