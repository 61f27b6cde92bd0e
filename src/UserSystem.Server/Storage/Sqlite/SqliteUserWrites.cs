using System.Globalization;
using Microsoft.Data.Sqlite;
using UserSystem.Server.Domain;
using UserSystem.Validation;

namespace UserSystem.Server.Storage.Sqlite;

/// <summary>
/// The single-user writes, as the group writer runs them: inside the group's transaction and the
/// write's own savepoint, on the writer's prepared commands. Each throws its domain error; the
/// savepoint then undoes whatever it had done.
/// </summary>
internal static class SqliteUserWrites
{
    private const string Insert = """
        INSERT INTO users (name, email, email_key, age, hobbies, status, created_at, updated_at, version, create_request_id)
        VALUES ($name, $email, $email_key, $age, $hobbies, $status, $now, $now, 1, $request_key)
        RETURNING id;
        """;

    private const string Update = $"""
        UPDATE users SET name = $name, email = $email, email_key = $email_key, age = $age, hobbies = $hobbies,
            status = $status, updated_at = $now, version = version + 1
        WHERE id = $id
        RETURNING {UserRowReader.Columns};
        """;

    private const string DeleteById = "DELETE FROM users WHERE id = $id;";

    // On the writer's connection throughout: an earlier create with the same request id may be in
    // this group's transaction, not committed yet.
    public static Task<UserAccount> CreateAsync(
        SqliteWriteContext write, long nowMicros, NewUser user, ChangeContext change, string? idempotencyKey, CancellationToken cancellationToken) =>
        IdempotentCreate.CreateAsync(
            idempotencyKey,
            user,
            change.Actor,
            ct => InsertAsync(write, nowMicros, user, change, idempotencyKey, ct),
            (requestId, ct) => FindAsync(write, IdempotentCreate.FindSql, "@request_key", requestId, ct),
            (userId, ct) => UserEventLog.FindCreationAsync(write.Connection, SqliteUserRows.Reader, userId, ct),
            cancellationToken);

    private static async Task<UserAccount> InsertAsync(
        SqliteWriteContext write, long nowMicros, NewUser user, ChangeContext change, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var command = write.Command(Insert);
        AddUserParameters(command, user.Name, user.Email, user.EmailKey, user.Age, user.Hobbies);
        command.Parameters.AddWithValue("$status", (int)AccountStatus.Active);
        command.Parameters.AddWithValue("$now", nowMicros);
        command.Parameters.AddWithValue("$request_key", (object?)idempotencyKey ?? DBNull.Value);
        int id;
        try
        {
            id = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }
        catch (SqliteException exception) when (SqliteUserRows.IsUniqueViolation(exception))
        {
            throw new DuplicateEmailException();
        }

        await InsertEventAsync(write, id, UserEventKind.Created, change, nowMicros, cancellationToken);
        var now = SqliteUserRows.FromMicros(nowMicros);
        return new UserAccount(id, user.Name, user.Email, user.Age, user.Hobbies, AccountStatus.Active, now, now);
    }

    /// <summary>
    /// Sets the user to <paramref name="change"/> of its current row. A change that leaves every
    /// field as it was writes nothing: no event, no new version (etag).
    /// </summary>
    public static async Task<UserAccount> ChangeAsync(
        SqliteWriteContext write,
        long nowMicros,
        int id,
        Func<UserAccount, UserAccount> apply,
        long? expectedVersion,
        UserEventKind kind,
        ChangeContext change,
        CancellationToken cancellationToken)
    {
        var current = await CurrentAsync(write, id, expectedVersion, cancellationToken);
        var next = apply(current);
        if (next.HasSameFieldsAs(current))
        {
            return current;
        }

        var command = write.Command(Update);
        AddUserParameters(command, next.Name, next.Email, EmailKeys.For(next.Email), next.Age, next.Hobbies);
        command.Parameters.AddWithValue("$status", (int)next.Status);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$now", nowMicros);
        UserAccount updated;
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            updated = SqliteUserRows.Reader.Read(reader);
        }
        catch (SqliteException exception) when (SqliteUserRows.IsUniqueViolation(exception))
        {
            throw new DuplicateEmailException();
        }

        await InsertEventAsync(write, id, kind, change, nowMicros, cancellationToken);
        return updated;
    }

    public static async Task<bool> DeleteAsync(
        SqliteWriteContext write, long nowMicros, int id, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken)
    {
        await CurrentAsync(write, id, expectedVersion, cancellationToken);
        await InsertEventAsync(write, id, UserEventKind.Deleted, change, nowMicros, cancellationToken);
        // Erasure: the user's personal data leaves every event, the DELETED one included; ids,
        // kinds, times, actors and request ids stay, so the audit trail survives without the person.
        var erase = write.Command(SqliteUserRows.EraseUserEvents);
        erase.Parameters.AddWithValue("$id", id);
        await erase.ExecuteNonQueryAsync(cancellationToken);
        var delete = write.Command(DeleteById);
        delete.Parameters.AddWithValue("$id", id);
        await delete.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    public static void AddEventParameters(SqliteCommand command, int firstId, int lastId, UserEventKind kind, ChangeContext change, long nowMicros)
    {
        command.Parameters.AddWithValue("$first", firstId);
        command.Parameters.AddWithValue("$last", lastId);
        command.Parameters.AddWithValue("$kind", UserEventKinds.Name(kind));
        command.Parameters.AddWithValue("$actor", (object?)change.Actor ?? DBNull.Value);
        command.Parameters.AddWithValue("$request_id", (object?)change.RequestId ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", nowMicros);
    }

    public static void AddUserParameters(SqliteCommand command, string name, string email, string emailKey, int age, IReadOnlyList<string> hobbies)
    {
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$email", email);
        command.Parameters.AddWithValue("$email_key", emailKey);
        command.Parameters.AddWithValue("$age", age);
        command.Parameters.AddWithValue("$hobbies", SqliteUserRows.SerializeHobbies(hobbies));
    }

    private static async Task<UserAccount> CurrentAsync(SqliteWriteContext write, int id, long? expectedVersion, CancellationToken cancellationToken)
    {
        return ExpectedVersion.Check(await FindAsync(write, UserRowReader.FindByIdSql, "@id", id, cancellationToken), id, expectedVersion);
    }

    private static async Task InsertEventAsync(SqliteWriteContext write, int id, UserEventKind kind, ChangeContext change, long nowMicros, CancellationToken cancellationToken)
    {
        var command = write.Command(SqliteUserRows.InsertEventForUser);
        AddEventParameters(command, id, id, kind, change, nowMicros);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<UserAccount?> FindAsync(SqliteWriteContext write, string sql, string name, object value, CancellationToken cancellationToken)
    {
        var command = write.Command(sql);
        command.Parameters.AddWithValue(name, value);
        return await SqliteUserRows.Reader.ReadFirstAsync(command, cancellationToken);
    }
}
