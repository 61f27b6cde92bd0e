using System.Text.Json;
using Microsoft.Data.Sqlite;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage.Sqlite;

/// <summary>Maps rows of the <c>users</c> table to and from the domain.</summary>
internal static class SqliteUserRows
{
    public const string Columns = "id, name, email, age, hobbies, status, created_at, updated_at";

    public static UserAccount Read(SqliteDataReader reader) => new(
        Id: reader.GetInt32(0),
        Name: reader.GetString(1),
        Email: reader.GetString(2),
        Age: reader.GetInt32(3),
        Hobbies: JsonSerializer.Deserialize<string[]>(reader.GetString(4)) ?? [],
        Status: (AccountStatus)reader.GetInt32(5),
        CreatedAt: FromMicros(reader.GetInt64(6)),
        UpdatedAt: FromMicros(reader.GetInt64(7)));

    public static string SerializeHobbies(IReadOnlyList<string> hobbies) => JsonSerializer.Serialize(hobbies);

    public static long ToMicros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    public static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond);

    public static bool IsUniqueViolation(SqliteException exception) =>
        exception.SqliteExtendedErrorCode == 2067; // SQLITE_CONSTRAINT_UNIQUE
}
