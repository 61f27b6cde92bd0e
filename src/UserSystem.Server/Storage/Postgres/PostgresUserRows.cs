using Npgsql;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage.Postgres;

/// <summary>Maps rows of the <c>users</c> and <c>user_events</c> tables to the domain.</summary>
internal static partial class PostgresUserRows
{
    public const string Columns = "id, name, email, age, hobbies, status, created_at, updated_at, version";

    public const string EventColumns = "sequence, kind, actor, request_id, occurred_at, user_id, name, email, age, hobbies, status, created_at, updated_at, version";

    private const int EventUserOffset = 5;

    /// <summary>
    /// Wraps a statement that changes users and returns <see cref="Columns"/> (as <c>changed</c>)
    /// so that the same statement records one event per changed row, numbered in id order
    /// (<see cref="PostgresEventIds"/>).
    /// </summary>
    public static string WithEvents(string change, string select = $"SELECT {Columns} FROM changed ORDER BY id") => $"""
        WITH changed AS (
            {change}
        ), logged AS (
            INSERT INTO user_events (sequence, user_id, kind, actor, request_id, occurred_at, name, email, age, hobbies, status, created_at, updated_at, version)
            SELECT {PostgresEventIds.Of("row_number() OVER (ORDER BY id) - 1")}, id, @kind, @actor, @request_id, @now, name, email, age, hobbies, status, created_at, updated_at, version
            FROM changed
        )
        {select};
        """;

    /// <summary>
    /// <see cref="WithEvents"/> for a delete that erases: the event carries no name, email, age or
    /// hobbies, and the user's earlier events lose theirs. (The CTEs share one snapshot, so the
    /// UPDATE cannot see the new event; that one is written blank instead.)
    /// </summary>
    public static string WithErasingDeleteEvent(string delete) => $$"""
        WITH changed AS (
            {{delete}}
        ), logged AS (
            INSERT INTO user_events (sequence, user_id, kind, actor, request_id, occurred_at, name, email, age, hobbies, status, created_at, updated_at, version)
            SELECT {{PostgresEventIds.Of("row_number() OVER (ORDER BY id) - 1")}}, id, @kind, @actor, @request_id, @now, '', '', 0, '{}', status, created_at, updated_at, version
            FROM changed
        ), erased AS (
            UPDATE user_events SET name = '', email = '', age = 0, hobbies = '{}'
            WHERE user_id IN (SELECT id FROM changed)
        )
        SELECT {{Columns}} FROM changed ORDER BY id;
        """;

    public static UserAccount Read(NpgsqlDataReader reader, int offset = 0) => new(
        Id: reader.GetInt32(offset),
        Name: reader.GetString(offset + 1),
        Email: reader.GetString(offset + 2),
        Age: reader.GetInt32(offset + 3),
        Hobbies: reader.GetFieldValue<string[]>(offset + 4),
        Status: (AccountStatus)reader.GetInt32(offset + 5),
        CreatedAt: reader.GetFieldValue<DateTimeOffset>(offset + 6),
        UpdatedAt: reader.GetFieldValue<DateTimeOffset>(offset + 7),
        Version: reader.GetInt64(offset + 8));

    public static UserEvent ReadEvent(NpgsqlDataReader reader) => new(
        Sequence: reader.GetInt64(0),
        Kind: UserEventKinds.Parse(reader.GetString(1)),
        UserId: reader.GetInt32(EventUserOffset),
        Actor: reader.IsDBNull(2) ? null : reader.GetString(2),
        RequestId: reader.IsDBNull(3) ? null : reader.GetString(3),
        Time: reader.GetFieldValue<DateTimeOffset>(4),
        User: Read(reader, EventUserOffset));

    /// <summary>PostgreSQL keeps microseconds; cut the rest off so what we answer equals what a later read returns.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
    }

    /// <summary>The unique index on <c>create_request_id</c>: another create with this request id won the race.</summary>
    public const string RequestIdIndex = "users_create_request_id";

    public static bool IsUniqueViolation(PostgresException exception) =>
        exception.SqlState == PostgresErrorCodes.UniqueViolation;

    /// <summary>The 1-based row of a COPY that failed, from the error's context ("COPY users, line 17").</summary>
    public static int? CopyRowOf(PostgresException exception) =>
        exception.Where is { } where && CopyLine().Match(where) is { Success: true } match
            && int.TryParse(match.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture, out var row)
            ? row
            : null;

    public static bool IsRequestIdTaken(PostgresException exception) =>
        IsUniqueViolation(exception) && exception.ConstraintName == RequestIdIndex;

    [System.Text.RegularExpressions.GeneratedRegex(@"^COPY \w+, line (\d+)")]
    private static partial System.Text.RegularExpressions.Regex CopyLine();
}
