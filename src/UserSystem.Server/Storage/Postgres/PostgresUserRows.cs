using Npgsql;

namespace UserSystem.Server.Storage.Postgres;

/// <summary>How PostgreSQL stores a user (hobbies as <c>text[]</c>, times as <c>timestamptz</c>), and the statements that record events with a change.</summary>
internal static partial class PostgresUserRows
{
    private const string Columns = UserRowReader.Columns;

    public static readonly UserRowReader Reader = new(
        (reader, ordinal) => reader.GetFieldValue<string[]>(ordinal),
        (reader, ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal));

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
    /// hobbies, and the user's earlier events lose theirs, as do their own updates their actor
    /// (as on SQLite, SqliteUserRows.EraseUserEvents; the deleting admin is kept, since the new
    /// event is not visible here). (The CTEs share one snapshot, so the UPDATE cannot see the new
    /// event; that one is written blank instead.)
    /// </summary>
    public static string WithErasingDeleteEvent(string delete) => $$"""
        WITH changed AS (
            {{delete}}
        ), logged AS (
            INSERT INTO user_events (sequence, user_id, kind, actor, request_id, occurred_at, name, email, age, hobbies, status, created_at, updated_at, version)
            SELECT {{PostgresEventIds.Of("row_number() OVER (ORDER BY id) - 1")}}, id, @kind, @actor, @request_id, @now, '', '', 0, '{}', status, created_at, updated_at, version
            FROM changed
        ), erased AS (
            UPDATE user_events AS e SET name = '', email = '', age = 0, hobbies = '{}',
                actor = CASE WHEN e.kind = 'updated' AND e.actor IS DISTINCT FROM @actor AND e.actor NOT IN (
                    SELECT admin.actor FROM user_events AS admin WHERE admin.user_id = e.user_id AND admin.kind <> 'updated' AND admin.actor IS NOT NULL)
                    THEN NULL ELSE e.actor END
            WHERE e.user_id IN (SELECT id FROM changed)
        )
        SELECT {{Columns}} FROM changed ORDER BY id;
        """;

    /// <summary>PostgreSQL keeps microseconds; cut the rest off so what we answer equals what a later read returns.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
    }

    public static bool IsUniqueViolation(PostgresException exception) =>
        exception.SqlState == PostgresErrorCodes.UniqueViolation;

    /// <summary>The 1-based row of a COPY that failed, from the error's context ("COPY users, line 17").</summary>
    public static int? CopyRowOf(PostgresException exception) =>
        exception.Where is { } where && CopyLine().Match(where) is { Success: true } match
            && int.TryParse(match.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture, out var row)
            ? row
            : null;

    public static bool IsRequestIdTaken(PostgresException exception) =>
        IsUniqueViolation(exception) && exception.ConstraintName == IdempotentCreate.Index;

    [System.Text.RegularExpressions.GeneratedRegex(@"^COPY \w+, line (\d+)")]
    private static partial System.Text.RegularExpressions.Regex CopyLine();
}
