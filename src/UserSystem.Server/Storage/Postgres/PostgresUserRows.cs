using Npgsql;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage.Postgres;

/// <summary>Maps rows of the <c>users</c> table to the domain.</summary>
internal static class PostgresUserRows
{
    public const string Columns = "id, name, email, age, hobbies, status, created_at, updated_at";

    public static UserAccount Read(NpgsqlDataReader reader) => new(
        Id: reader.GetInt32(0),
        Name: reader.GetString(1),
        Email: reader.GetString(2),
        Age: reader.GetInt32(3),
        Hobbies: reader.GetFieldValue<string[]>(4),
        Status: (AccountStatus)reader.GetInt32(5),
        CreatedAt: reader.GetFieldValue<DateTimeOffset>(6),
        UpdatedAt: reader.GetFieldValue<DateTimeOffset>(7));

    /// <summary>PostgreSQL keeps microseconds; cut the rest off so what we answer equals what a later read returns.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
    }

    public static bool IsUniqueViolation(PostgresException exception) =>
        exception.SqlState == PostgresErrorCodes.UniqueViolation;
}
