using Microsoft.Data.Sqlite;

namespace UserSystem.Server.Storage.Sqlite;

/// <summary>Which SQLite failures mean "the database file cannot be used now, retry" rather than a bug.</summary>
internal static class SqliteFailures
{
    /// <summary>
    /// The file cannot be opened (gone, unmounted, no permission), is read-only, the disk is full
    /// or failed, or another process holds the lock beyond the busy timeout. A constraint, a
    /// corrupt file or a bad statement is not one of them.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception is SqliteException
    {
        SqliteErrorCode: 5 /* BUSY */ or 6 /* LOCKED */ or 8 /* READONLY */ or 10 /* IOERR */ or 13 /* FULL */ or 14 /* CANTOPEN */,
    };

    /// <summary>How the database is named to callers: its engine and file name, not its directory.</summary>
    public static string DescribeDatabase(string path) => $"SQLite database '{Path.GetFileName(path)}'";
}
