namespace UserSystem.Server.Storage;

/// <summary>The <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary><c>Sqlite</c> (default, embedded) or <c>Postgres</c>.</summary>
    public string Provider { get; set; } = StorageProviders.Sqlite;

    public SqliteStorageOptions Sqlite { get; set; } = new();

    /// <summary>Filled from <c>ConnectionStrings:Postgres</c>, the conventional place for it.</summary>
    public string? PostgresConnectionString { get; set; }

    public bool UsesPostgres => string.Equals(Provider, StorageProviders.Postgres, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The <c>Storage:Sqlite</c> configuration section.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>The database file; relative paths resolve against the working directory.</summary>
    public string Path { get; set; } = "data/users.db";
}

public static class StorageProviders
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";
}
