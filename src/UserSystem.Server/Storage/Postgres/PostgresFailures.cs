using Npgsql;

namespace UserSystem.Server.Storage.Postgres;

/// <summary>Which Npgsql failures mean "the database is away or busy, retry" rather than a bug.</summary>
internal static class PostgresFailures
{
    /// <summary>
    /// Connection failures (refused, reset, timed out, pool exhausted), a server shutting down or
    /// starting up, too many connections, and our own statement or lock timeouts. A cancellation
    /// by the caller surfaces as <see cref="OperationCanceledException"/> and is not one of them.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.IsTransient || postgres.SqlState == PostgresErrorCodes.QueryCanceled,
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => false,
    };

    /// <summary>How the database is named to callers: its name and engine, not its address.</summary>
    public static string DescribeDatabase(NpgsqlConnectionStringBuilder settings) =>
        $"PostgreSQL database '{settings.Database ?? settings.Username ?? "postgres"}'";
}
