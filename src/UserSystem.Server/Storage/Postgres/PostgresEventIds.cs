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

    /// <summary>
    /// Ids below this are final: every transaction that could still add one has ended. SQL, to be
    /// evaluated in the statement that reads, so it describes that statement's own snapshot.
    /// </summary>
    /// <remarks>
    /// <c>pg_snapshot_xmin</c> alone would be the oldest transaction running anywhere in the
    /// cluster, so a long transaction in another database would hold this feed back. A running
    /// transaction seen in <c>pg_stat_activity</c> on a session of another database cannot write
    /// here (a session never changes database), so it is skipped; anything else running, or
    /// not seen there (finished meanwhile, prepared, or hidden), counts. With none left the
    /// horizon is the snapshot's xmax: every transaction below it has ended.
    /// </remarks>
    public static readonly string Horizon = $"""
        (COALESCE(
            (SELECT min(running.xid::text::bigint)
             FROM pg_snapshot_xip(pg_current_snapshot()) AS running(xid)
             WHERE running.xid::text::bigint % 4294967296 NOT IN (
                 SELECT elsewhere.backend_xid::text::bigint FROM pg_stat_activity AS elsewhere
                 WHERE elsewhere.datname <> current_database() AND elsewhere.backend_xid IS NOT NULL)),
            pg_snapshot_xmax(pg_current_snapshot())::text::bigint) << {OrdinalBits})
        """;
}
