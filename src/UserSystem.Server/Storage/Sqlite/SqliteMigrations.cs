namespace UserSystem.Server.Storage.Sqlite;

/// <summary>The schema, as an append-only list of versioned steps. Never edit a shipped step; add one.</summary>
internal static class SqliteMigrations
{
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
    ];
}
