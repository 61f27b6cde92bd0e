using Npgsql;

namespace UserSystem.Server.Storage.Postgres;

/// <summary>Which Npgsql failures mean "the database is away, busy or moving, retry" rather than a bug.</summary>
internal static class PostgresFailures
{
    /// <summary>
    /// Connection failures (refused, reset, broken mid-statement, timed out, pool exhausted), no
    /// host in the list being a writable primary, a server shutting down or starting up, too many
    /// connections, a write sent to a node that is read-only (25006: a demoted primary, or one
    /// just promoted), and our own statement or lock timeouts. A cancellation by the caller
    /// surfaces as <see cref="OperationCanceledException"/> and is not one of them.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.IsTransient
            || postgres.SqlState is PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.ReadOnlySqlTransaction,
        NpgsqlException npgsql => npgsql.IsTransient || IsNoSuitableHost(npgsql),
        _ => false,
    };

    /// <summary>
    /// Whether the primary may have moved, so pooled connections and Npgsql's cached host roles
    /// are stale: anything but a timeout of ours on a healthy connection.
    /// </summary>
    public static bool MayHaveMoved(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState is not (PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.LockNotAvailable
            or PostgresErrorCodes.TooManyConnections),
        _ => true,
    };

    /// <summary>How the database is named to callers: its name and engine, not its address.</summary>
    public static string DescribeDatabase(NpgsqlConnectionStringBuilder settings) =>
        $"PostgreSQL database '{settings.Database ?? settings.Username ?? "postgres"}'";

    // A multi-host data source that found no host of the kind asked for. "No suitable host was
    // found." (every host answered, none writable) has no inner exception; "Unable to connect to
    // a suitable host" wraps each host's failure, and is retryable when each of those is (not,
    // say, a refused password). Npgsql marks neither transient. Both are the exact type
    // NpgsqlException; its other errors without a cause are protocol failures that break the
    // connection, where a retry on a new one is right too.
    private static bool IsNoSuitableHost(NpgsqlException exception) =>
        exception.GetType() == typeof(NpgsqlException)
        && exception.InnerException switch
        {
            null => true,
            AggregateException hosts => hosts.InnerExceptions.All(IsUnavailable),
            _ => false,
        };
}
