using Microsoft.Data.Sqlite;

namespace UserSystem.Server.Storage.Sqlite;

/// <summary>The schema, as an append-only list of versioned steps. Never edit a shipped step; add one.</summary>
internal static class SqliteMigrations
{
    /// <summary>Applies the steps <c>schema_migrations</c> does not record yet (see <see cref="SchemaMigrator"/>).</summary>
    public static async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // WAL lets readers proceed during a write; the setting is stored in the file.
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;", cancellationToken);
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);",
            cancellationToken);

        // IMMEDIATE (the default of BeginTransaction) takes the write lock up front, so processes
        // starting together on one file apply each step once.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await SchemaMigrator.MigrateAsync(transaction, All, RecordSql, cancellationToken);
    }

    // applied_at in Unix microseconds, as every time in this schema.
    private const string RecordSql =
        "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER));";

    public static readonly IReadOnlyList<(int Version, string Sql)> All =
    [
        (1, """
            CREATE TABLE users (
                id          INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: ids are never reused
                name        TEXT    NOT NULL,
                email       TEXT    NOT NULL,
                email_key   TEXT    NOT NULL UNIQUE,           -- upper-cased email: unique regardless of case
                age         INTEGER NOT NULL,
                hobbies     TEXT    NOT NULL,                  -- JSON array of strings
                status      INTEGER NOT NULL,
                created_at  INTEGER NOT NULL,                  -- Unix time, microseconds
                updated_at  INTEGER NOT NULL
            );
            """),
        (2, """
            ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;   -- the etag: +1 on every change
            ALTER TABLE users ADD COLUMN create_request_id TEXT;                -- CreateUser's request_id (AIP-155)
            CREATE UNIQUE INDEX users_create_request_id ON users (create_request_id) WHERE create_request_id IS NOT NULL;
            CREATE TABLE user_events (
                sequence     INTEGER PRIMARY KEY AUTOINCREMENT, -- commit order: writers are serialized
                user_id      INTEGER NOT NULL,
                kind         TEXT    NOT NULL,
                actor        TEXT,
                request_id   TEXT,
                occurred_at  INTEGER NOT NULL,
                -- the user as the change left it
                name         TEXT    NOT NULL,
                email        TEXT    NOT NULL,
                age          INTEGER NOT NULL,
                hobbies      TEXT    NOT NULL,
                status       INTEGER NOT NULL,
                created_at   INTEGER NOT NULL,
                updated_at   INTEGER NOT NULL,
                version      INTEGER NOT NULL
            );
            """),
        (3, """
            -- GetUserStats counts users per creation day over the last N days: a range scan of this
            -- index instead of the whole table.
            CREATE INDEX users_created_at ON users (created_at);
            """),
        (4, """
            -- The event history is bounded (Storage:Events): every event up to pruned_through has
            -- been deleted, and a reader resuming before it is told so instead of skipping events.
            CREATE TABLE event_history (
                id              INTEGER PRIMARY KEY CHECK (id = 1),
                pruned_through  INTEGER NOT NULL
            );
            INSERT INTO event_history (id, pruned_through) VALUES (1, 0);
            """),
        (5, """
            -- DeleteUser erases the user's personal data from their events: find them by user.
            CREATE INDEX user_events_user_id ON user_events (user_id);
            """),
    ];
}
