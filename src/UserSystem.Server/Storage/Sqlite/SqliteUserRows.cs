using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace UserSystem.Server.Storage.Sqlite;

/// <summary>How SQLite stores a user: hobbies as a JSON array, times as Unix microseconds.</summary>
internal static class SqliteUserRows
{
    public static readonly UserRowReader Reader = new(
        (reader, ordinal) => JsonSerializer.Deserialize<string[]>(reader.GetString(ordinal)) ?? [],
        (reader, ordinal) => FromMicros(reader.GetInt64(ordinal)));

    /// <summary>Records the change to the users <c>$first</c>..<c>$last</c> (their current rows) as events; run inside the change's transaction.</summary>
    public const string InsertEventForUser = """
        INSERT INTO user_events (user_id, kind, actor, request_id, occurred_at, name, email, age, hobbies, status, created_at, updated_at, version)
        SELECT id, $kind, $actor, $request_id, $now, name, email, age, hobbies, status, created_at, updated_at, version
        FROM users WHERE id BETWEEN $first AND $last ORDER BY id;
        """;

    /// <summary>
    /// Erases a deleted user's personal data (name, email, age, hobbies) from all of their events,
    /// and the actor of updates made by the user themselves. Only an admin creates, suspends or
    /// deletes, so an update's actor that never did any of that to this user is taken for the
    /// user's own subject (an admin who only ever updated them is blanked too: erasure errs that way).
    /// </summary>
    public const string EraseUserEvents = """
        UPDATE user_events SET name = '', email = '', age = 0, hobbies = '[]',
            actor = CASE WHEN kind = 'updated' AND actor NOT IN (
                SELECT admin.actor FROM user_events AS admin WHERE admin.user_id = $id AND admin.kind <> 'updated' AND admin.actor IS NOT NULL)
                THEN NULL ELSE actor END
        WHERE user_id = $id;
        """;

    public static string SerializeHobbies(IReadOnlyList<string> hobbies) => JsonSerializer.Serialize(hobbies);

    public static long ToMicros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    public static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond);

    public static bool IsUniqueViolation(SqliteException exception) =>
        exception.SqliteExtendedErrorCode == 2067; // SQLITE_CONSTRAINT_UNIQUE
}
