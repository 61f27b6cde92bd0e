namespace UserSystem.Server.Storage.Postgres;

/// <summary>
/// How event ids follow commit order without a lock that every writer shares. An event's id is
/// its transaction's id (xid8) shifted left by <see cref="OrdinalBits"/>, plus its ordinal within
/// that transaction; the feed reads only ids below <see cref="Horizon"/>, the oldest transaction
/// still running when the reading statement took its snapshot. Every transaction below that is
/// finished, so nothing can later appear below an id a watcher has seen: ids strictly increase
/// in delivery order and a resume from the last id seen misses nothing and repeats nothing.
/// </summary>
/// <remarks>
/// 24 bits of ordinal hold 16,777,216 events per transaction (a batch writes one per user;
/// <c>Limits:MaxBatchSize</c> allows at most 10,000,000); the 39 bits left for the xid last for
/// 5.5e11 write transactions of the whole cluster. Ids are sparse, never dense.
/// </remarks>
internal static class PostgresEventIds
{
    public const int OrdinalBits = 24;

    public const int MaxEventsPerTransaction = 1 << OrdinalBits;

    /// <summary>The id of the current transaction's event number <c>ordinal</c> (0-based), as SQL.</summary>
    public static string Of(string ordinal) => $"((pg_current_xact_id()::text::bigint << {OrdinalBits}) + {ordinal})";

    /// <summary>Ids below this are final: every transaction that could still add one has ended. SQL.</summary>
    public static readonly string Horizon = $"(pg_snapshot_xmin(pg_current_snapshot())::text::bigint << {OrdinalBits})";
}
