using System.Text.Json;
using Microsoft.Data.Sqlite;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage.Sqlite;

/// <summary>Maps rows of the <c>users</c> table to and from the domain.</summary>
internal static class SqliteUserRows
{
    public const string Columns = "id, name, email, age, hobbies, status, created_at, updated_at, version";

    /// <summary>The event columns; the user snapshot starts at <see cref="EventUserOffset"/> in <see cref="Columns"/> order.</summary>
    public const string EventColumns = "sequence, kind, actor, request_id, occurred_at, user_id, name, email, age, hobbies, status, created_at, updated_at, version";

    private const int EventUserOffset = 5;

    /// <summary>Records the change to the user <c>$id</c> (its current row) as an event; run inside the change's transaction.</summary>
    public const string InsertEventForUser = """
        INSERT INTO user_events (user_id, kind, actor, request_id, occurred_at, name, email, age, hobbies, status, created_at, updated_at, version)
        SELECT id, $kind, $actor, $request_id, $now, name, email, age, hobbies, status, created_at, updated_at, version
        FROM users WHERE id BETWEEN $first AND $last ORDER BY id;
        """;

    /// <summary>Erases a deleted user's personal data (name, email, age, hobbies) from all of their events.</summary>
    public const string EraseUserEvents = "UPDATE user_events SET name = '', email = '', age = 0, hobbies = '[]' WHERE user_id = $id;";

    public static UserAccount Read(SqliteDataReader reader, int offset = 0) => new(
        Id: reader.GetInt32(offset),
        Name: reader.GetString(offset + 1),
        Email: reader.GetString(offset + 2),
        Age: reader.GetInt32(offset + 3),
        Hobbies: JsonSerializer.Deserialize<string[]>(reader.GetString(offset + 4)) ?? [],
        Status: (AccountStatus)reader.GetInt32(offset + 5),
        CreatedAt: FromMicros(reader.GetInt64(offset + 6)),
        UpdatedAt: FromMicros(reader.GetInt64(offset + 7)),
        Version: reader.GetInt64(offset + 8));

    public static UserEvent ReadEvent(SqliteDataReader reader) => new(
        Sequence: reader.GetInt64(0),
        Kind: UserEventKinds.Parse(reader.GetString(1)),
        UserId: reader.GetInt32(EventUserOffset),
        Actor: reader.IsDBNull(2) ? null : reader.GetString(2),
        RequestId: reader.IsDBNull(3) ? null : reader.GetString(3),
        Time: FromMicros(reader.GetInt64(4)),
        User: Read(reader, EventUserOffset));

    public static string SerializeHobbies(IReadOnlyList<string> hobbies) => JsonSerializer.Serialize(hobbies);

    public static long ToMicros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    public static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond);

    public static bool IsUniqueViolation(SqliteException exception) =>
        exception.SqliteExtendedErrorCode == 2067; // SQLITE_CONSTRAINT_UNIQUE
}
