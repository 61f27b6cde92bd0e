using System.Data.Common;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage;

/// <summary>
/// Reads rows of <c>users</c> and <c>user_events</c> into the domain, for any engine: both keep
/// the same columns in the same order, and differ only in how they store the hobbies and the times.
/// </summary>
internal sealed class UserRowReader(
    Func<DbDataReader, int, IReadOnlyList<string>> readHobbies,
    Func<DbDataReader, int, DateTimeOffset> readTime)
{
    public const string Columns = "id, name, email, age, hobbies, status, created_at, updated_at, version";

    /// <summary>The event columns; the user snapshot starts at <see cref="EventUserOffset"/> in <see cref="Columns"/> order.</summary>
    public const string EventColumns = "sequence, kind, actor, request_id, occurred_at, user_id, name, email, age, hobbies, status, created_at, updated_at, version";

    /// <summary>One user by <c>@id</c>.</summary>
    public const string FindByIdSql = $"SELECT {Columns} FROM users WHERE id = @id;";

    private const int EventUserOffset = 5;

    public UserAccount Read(DbDataReader reader, int offset = 0) => new(
        Id: reader.GetInt32(offset),
        Name: reader.GetString(offset + 1),
        Email: reader.GetString(offset + 2),
        Age: reader.GetInt32(offset + 3),
        Hobbies: readHobbies(reader, offset + 4),
        Status: (AccountStatus)reader.GetInt32(offset + 5),
        CreatedAt: readTime(reader, offset + 6),
        UpdatedAt: readTime(reader, offset + 7),
        Version: reader.GetInt64(offset + 8));

    public UserEvent ReadEvent(DbDataReader reader) => new(
        Sequence: reader.GetInt64(0),
        Kind: UserEventKinds.Parse(reader.GetString(1)),
        UserId: reader.GetInt32(EventUserOffset),
        Actor: reader.IsDBNull(2) ? null : reader.GetString(2),
        RequestId: reader.IsDBNull(3) ? null : reader.GetString(3),
        Time: ReadTime(reader, 4),
        User: Read(reader, EventUserOffset));

    public DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => readTime(reader, ordinal);

    /// <summary>Every user the command returns (<see cref="Columns"/>), in order.</summary>
    public Task<List<UserAccount>> ReadAllAsync(DbCommand command, CancellationToken cancellationToken) =>
        ReadAllAsync(command, reader => Read(reader), cancellationToken);

    /// <summary>The first user the command returns, or null.</summary>
    public async Task<UserAccount?> ReadFirstAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Every user of <paramref name="reader"/>'s current result set, in order.</summary>
    public Task<List<UserAccount>> ReadUsersAsync(DbDataReader reader, CancellationToken cancellationToken) =>
        ReadRowsAsync(reader, row => Read(row), cancellationToken);

    /// <summary>Every event the command returns (<see cref="EventColumns"/>), in order.</summary>
    public Task<List<UserEvent>> ReadEventsAsync(DbCommand command, CancellationToken cancellationToken) =>
        ReadAllAsync(command, ReadEvent, cancellationToken);

    /// <summary>Every event of <paramref name="reader"/>'s current result set, in order.</summary>
    public Task<List<UserEvent>> ReadEventsAsync(DbDataReader reader, CancellationToken cancellationToken) =>
        ReadRowsAsync(reader, ReadEvent, cancellationToken);

    private static async Task<List<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadRowsAsync(reader, read, cancellationToken);
    }

    private static async Task<List<T>> ReadRowsAsync<T>(DbDataReader reader, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
