using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using UserSystem.Server.Domain;
using UserSystem.Validation;

namespace UserSystem.Server.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with <c>synchronous = FULL</c>, so an
/// acknowledged write survives a crash of the process or the machine. A file that cannot be
/// opened or written (gone, read-only, disk full, locked by another process beyond the busy
/// timeout) answers <see cref="StorageUnavailableException"/> naming the database, and the store
/// recovers by itself once the file is usable again: the writer reopens it for the next group.
/// </summary>
public sealed partial class SqliteUserStore : IUserStore, IAsyncDisposable
{
    // secure_delete: a deleted user's data (and what erasure overwrote) is zeroed in the file, not left in free space.
    private const string OpenPragmas = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000; PRAGMA secure_delete = ON;";
    private readonly string _path;
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _database;
    private readonly ChangeSignal _changes = new();
    private readonly SqliteGroupCommit _writes;

    public SqliteUserStore(string path, TimeProvider time, ILogger<SqliteUserStore>? logger = null)
    {
        _path = Path.GetFullPath(path);
        _time = time;
        _logger = logger ?? (ILogger)NullLogger<SqliteUserStore>.Instance;
        _database = SqliteFailures.DescribeDatabase(_path);
        // ReadWrite (not ReadWriteCreate) after start: a file that disappears must fail loudly
        // instead of being silently replaced by an empty database.
        _connectionString = BuildConnectionString(SqliteOpenMode.ReadWrite);
        // The writer holds its connection for as long as the file is there: no pool to keep.
        var writerConnectionString = BuildConnectionString(SqliteOpenMode.ReadWrite, pooling: false);
        _writes = new SqliteGroupCommit(cancellationToken => OpenAsync(writerConnectionString, cancellationToken), _path, _changes.Pulse);
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenAsync(BuildConnectionString(SqliteOpenMode.ReadWriteCreate), cancellationToken);
        await SqliteMigrations.MigrateAsync(connection, cancellationToken);
    }

    // Every single-user write goes through the group writer (see SqliteGroupCommit).
    public Task<UserAccount> CreateAsync(NewUser user, ChangeContext change, string? idempotencyKey, CancellationToken cancellationToken) =>
        WriteAsync((write, ct) => SqliteUserWrites.CreateAsync(write, NowMicros(), user, change, idempotencyKey, ct), cancellationToken);

    public Task<UserAccount> UpdateAsync(int id, UserChanges changes, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken) =>
        WriteAsync((write, ct) => SqliteUserWrites.ChangeAsync(write, NowMicros(), id, changes.ApplyTo, expectedVersion, UserEventKind.Updated, change, ct), cancellationToken);

    public Task<UserAccount> SetStatusAsync(int id, AccountStatus status, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken) =>
        WriteAsync((write, ct) => SqliteUserWrites.ChangeAsync(write, NowMicros(), id, user => user with { Status = status }, expectedVersion, UserEventKind.StatusChanged, change, ct), cancellationToken);

    public Task DeleteAsync(int id, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken) =>
        WriteAsync((write, ct) => SqliteUserWrites.DeleteAsync(write, NowMicros(), id, expectedVersion, change, ct), cancellationToken);

    public ValueTask DisposeAsync() => _writes.DisposeAsync();

    public async Task<IReadOnlyList<UserEvent>> ReadEventsAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(_connectionString, cancellationToken);
        // One writer, committing in sequence order: every event a reader sees is final.
        return await UserEventLog.ReadAsync(
            connection,
            $"SELECT {UserRowReader.EventColumns} FROM user_events WHERE sequence > @after ORDER BY sequence LIMIT @limit;",
            SqliteUserRows.Reader,
            afterSequence,
            limit,
            cancellationToken);
    }

    // Another process on the same file does not pulse this signal; maxWait bounds that delay.
    public Task WaitForEventsAsync(long afterSequence, TimeSpan maxWait, CancellationToken cancellationToken) =>
        UserEventLog.WaitAsync(
            _changes.Next,
            async ct => await NewestEventAsync(ct) > afterSequence ? null : maxWait,
            _time,
            cancellationToken);

    public async Task<BatchCreateResult> CreateBatchAsync(IAsyncEnumerable<NewUser> users, ChangeContext change, CancellationToken cancellationToken)
    {
        try
        {
            return await StageAndCommitAsync(users, change, cancellationToken);
        }
        catch (Exception exception) when (SqliteFailures.IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }
    }

    private async Task<BatchCreateResult> StageAndCommitAsync(IAsyncEnumerable<NewUser> users, ChangeContext change, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(_connectionString, cancellationToken);
        // Items are staged in a connection-private temp table (on disk, not in memory) while
        // the client streams; the write lock on the real table is held only for the final
        // INSERT ... SELECT, so a slow client never blocks other writers.
        await connection.ExecuteAsync("""
            DROP TABLE IF EXISTS temp.batch_staging;
            CREATE TEMP TABLE batch_staging (
                position  INTEGER PRIMARY KEY,
                name      TEXT    NOT NULL,
                email     TEXT    NOT NULL,
                email_key TEXT    NOT NULL UNIQUE,
                age       INTEGER NOT NULL,
                hobbies   TEXT    NOT NULL
            );
            """, cancellationToken);
        try
        {
            var count = await StageAsync(connection, users, cancellationToken);
            return count == 0
                ? new BatchCreateResult(0, [])
                : await _writes.ExclusiveAsync(() => CommitStagedAsync(connection, count, change, cancellationToken), cancellationToken);
        }
        finally
        {
            // The pooled connection outlives this call; leave its temp schema clean.
            await connection.ExecuteAsync("DROP TABLE IF EXISTS temp.batch_staging;", CancellationToken.None);
        }
    }

    public async Task<UserAccount?> FindAsync(int id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(_connectionString, cancellationToken);
        await using var command = connection.CreateCommand(UserRowReader.FindByIdSql);
        command.Parameters.AddWithValue("@id", id);
        return await SqliteUserRows.Reader.ReadFirstAsync(command, cancellationToken);
    }

    public async Task<UserPage> ListAsync(long offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(_connectionString, cancellationToken);
        // One read transaction: the page and the total come from the same snapshot.
        await using var transaction = connection.BeginTransaction(deferred: true);
        await using var count = connection.CreateCommand("SELECT COUNT(*) FROM users;");
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        await using var command = connection.CreateCommand($"SELECT {UserRowReader.Columns} FROM users ORDER BY id LIMIT $limit OFFSET $offset;");
        command.Parameters.AddWithValue("$limit", limit);
        command.Parameters.AddWithValue("$offset", offset);
        var users = await SqliteUserRows.Reader.ReadAllAsync(command, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new UserPage(users, total);
    }

    public async Task<IReadOnlyList<UserAccount>> ListAfterAsync(int afterId, int limit, UserFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(_connectionString, cancellationToken);
        // substr, not LIKE: LIKE ignores case and treats % and _ as wildcards.
        await using var command = connection.CreateCommand($"""
            SELECT {UserRowReader.Columns} FROM users
            WHERE id > $after
              AND ($status IS NULL OR status = $status)
              AND ($email_key_prefix IS NULL OR substr(email_key, 1, length($email_key_prefix)) = $email_key_prefix)
              AND ($name_prefix IS NULL OR substr(name, 1, length($name_prefix)) = $name_prefix)
            ORDER BY id LIMIT $limit;
            """);
        command.Parameters.AddWithValue("$after", afterId);
        command.Parameters.AddWithValue("$limit", limit);
        command.Parameters.AddWithValue("$status", filter.Status is { } status ? (int)status : DBNull.Value);
        command.Parameters.AddWithValue("$email_key_prefix", (object?)filter.EmailKeyPrefix ?? DBNull.Value);
        command.Parameters.AddWithValue("$name_prefix", (object?)filter.NamePrefix ?? DBNull.Value);
        return await SqliteUserRows.Reader.ReadAllAsync(command, cancellationToken);
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(_connectionString, cancellationToken);
        await using var command = connection.CreateCommand("SELECT COUNT(*) FROM schema_migrations;");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task<int> StageAsync(SqliteConnection connection, IAsyncEnumerable<NewUser> users, CancellationToken cancellationToken)
    {
        await using var exists = connection.CreateCommand("SELECT EXISTS (SELECT 1 FROM main.users WHERE email_key = $email_key);");
        var existsKey = exists.Parameters.Add("$email_key", SqliteType.Text);
        await using var insert = connection.CreateCommand("""
            INSERT INTO temp.batch_staging (position, name, email, email_key, age, hobbies)
            VALUES ($position, $name, $email, $email_key, $age, $hobbies);
            """);
        var position = 0;
        await foreach (var user in users.WithCancellation(cancellationToken))
        {
            position++;
            // Fail fast on an email that is already taken; the commit checks again under the write lock.
            existsKey.Value = user.EmailKey;
            if ((long)(await exists.ExecuteScalarAsync(cancellationToken))! != 0)
            {
                throw new DuplicateEmailException(position);
            }

            insert.Parameters.Clear();
            AddUserParameters(insert, user);
            insert.Parameters.AddWithValue("$position", position);
            try
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (SqliteException exception) when (SqliteUserRows.IsUniqueViolation(exception))
            {
                throw new DuplicateEmailException(position);
            }
        }

        return position;
    }

    private async Task<BatchCreateResult> CommitStagedAsync(SqliteConnection connection, int count, ChangeContext change, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var conflict = connection.CreateCommand("""
            SELECT MIN(s.position) FROM temp.batch_staging s JOIN main.users u ON u.email_key = s.email_key;
            """))
        {
            if (await conflict.ExecuteScalarAsync(cancellationToken) is long position)
            {
                throw new DuplicateEmailException((int)position);
            }
        }

        await using var insert = connection.CreateCommand("""
            INSERT INTO main.users (name, email, email_key, age, hobbies, status, created_at, updated_at)
            SELECT name, email, email_key, age, hobbies, $status, $now, $now FROM temp.batch_staging ORDER BY position;
            SELECT last_insert_rowid();
            """);
        var nowMicros = NowMicros();
        insert.Parameters.AddWithValue("$status", (int)AccountStatus.Active);
        insert.Parameters.AddWithValue("$now", nowMicros);
        // Under the write lock AUTOINCREMENT hands out consecutive ids in position order,
        // so the whole batch is one range ending at the last inserted id.
        var last = Convert.ToInt32(await insert.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        await using (var events = connection.CreateCommand(SqliteUserRows.InsertEventForUser))
        {
            SqliteUserWrites.AddEventParameters(events, last - count + 1, last, UserEventKind.Created, change, nowMicros);
            await events.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        _changes.Pulse();
        return new BatchCreateResult(count, [new IdRange(last - count + 1, last)]);
    }

    private static void AddUserParameters(SqliteCommand command, NewUser user) =>
        SqliteUserWrites.AddUserParameters(command, user.Name, user.Email, user.EmailKey, user.Age, user.Hobbies);

    /// <summary>Queues a single-user write on the group writer (see <see cref="SqliteGroupCommit"/>).</summary>
    private async Task<T> WriteAsync<T>(Func<SqliteWriteContext, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        try
        {
            return await _writes.WriteAsync(write, cancellationToken);
        }
        catch (Exception exception) when (SqliteFailures.IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }
    }

    private async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // Per-connection settings: FULL makes every commit durable before it is acknowledged.
            await connection.ExecuteAsync(OpenPragmas, cancellationToken);
            return connection;
        }
        catch (Exception exception)
        {
            await connection.DisposeAsync();
            if (SqliteFailures.IsUnavailable(exception))
            {
                throw Unavailable(exception);
            }

            throw;
        }
    }

    private StorageUnavailableException Unavailable(Exception exception)
    {
        StorageLog.Unavailable(_logger, _database, exception);
        return new StorageUnavailableException(_database, exception);
    }

    private string BuildConnectionString(SqliteOpenMode mode, bool pooling = true) => new SqliteConnectionStringBuilder
    {
        DataSource = _path,
        Mode = mode,
        Pooling = pooling,
    }.ToString();

    private long NowMicros() => SqliteUserRows.ToMicros(_time.GetUtcNow());
}
