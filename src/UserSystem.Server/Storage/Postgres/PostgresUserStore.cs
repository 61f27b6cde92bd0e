using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using UserSystem.Server.Domain;
using UserSystem.Validation;

namespace UserSystem.Server.Storage.Postgres;

/// <summary>
/// The production store: PostgreSQL through one pooled <see cref="NpgsqlDataSource"/>. Any
/// number of service instances may share the database; all state lives there.
/// </summary>
/// <remarks>
/// Every write transaction takes one advisory lock (<see cref="WriteLockKey"/>) before it
/// touches a table and holds it to its commit. Writers are therefore serialized, which is what
/// makes event sequence numbers follow commit order: a watcher that has seen event N can never
/// later find a smaller number committing behind it. It also makes batch ids one consecutive
/// range and the AIP-155 retry check exact. The price is one writer at a time per database,
/// each holding the lock only for its own statements and commit.
/// </remarks>
public sealed class PostgresUserStore : IUserStore, IAsyncDisposable
{
    /// <summary>The channel every instance listens on; a notification means "re-read the events table".</summary>
    internal const string EventsChannel = "user_events";

    // Any fixed number works; every instance must use the same one. 6148334136178856791 is "USERSYSW" read as a big-endian number.
    private const string WriteLockKey = "6148334136178856791";
    private const string BeginWrite = $"SELECT pg_advisory_xact_lock({WriteLockKey}); NOTIFY {EventsChannel};";

    // A batch's statements take time in proportion to the batch (a million rows: tens of
    // seconds), so they run without Npgsql's 30 s command timeout; the call's own cancellation
    // (client cancel or deadline, server shutdown) still stops them.
    private const int Unbounded = 0;

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _listenerSource;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChangeSignal _changes = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _listenerGate = new();
    private Task? _listener;

    public PostgresUserStore(string connectionString, TimeProvider time, ILogger<PostgresUserStore>? logger = null)
    {
        _logger = logger ?? NullLogger<PostgresUserStore>.Instance;
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // Statements run again and again get prepared on each connection automatically:
            // parsed and planned once, then only bound and executed.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }

        builder.ConnectionStringBuilder.ApplicationName ??= "user-system";
        _dataSource = builder.Build();
        // LISTEN is session state: the listener owns one connection outside the pool.
        _listenerSource = new NpgsqlDataSourceBuilder(builder.ConnectionString)
        {
            ConnectionStringBuilder = { Pooling = false, KeepAlive = 30, ApplicationName = "user-system-listener" },
        }.Build();
        _time = time;
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => PostgresMigrator.MigrateAsync(_dataSource, cancellationToken);

    public async Task<UserAccount> CreateAsync(NewUser user, ChangeContext change, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        if (idempotencyKey is not null && await FindByRequestIdAsync(connection, idempotencyKey, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        await using var command = new NpgsqlCommand(PostgresUserRows.WithEvents($"""
            INSERT INTO users (name, email, email_key, age, hobbies, status, created_at, updated_at, version, create_request_id)
            VALUES (@name, @email, @email_key, @age, @hobbies, @status, @now, @now, 1, @request_key)
            RETURNING {PostgresUserRows.Columns}
            """), connection);
        AddUserParameters(command, user);
        command.Parameters.Add(new NpgsqlParameter<int>("status", (int)AccountStatus.Active));
        command.Parameters.Add(new NpgsqlParameter("request_key", NpgsqlDbType.Text) { Value = (object?)idempotencyKey ?? DBNull.Value });
        AddEventParameters(command, UserEventKind.Created, change, now);
        var created = await ReadChangedAsync(command, cancellationToken) ?? throw new InvalidOperationException("INSERT returned no row.");
        await CommitAsync(transaction, cancellationToken);
        return created;
    }

    public async Task<BatchCreateResult> CreateBatchAsync(IAsyncEnumerable<NewUser> users, ChangeContext change, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // One transaction from the first row to the commit: anything that goes wrong, including
        // a dropped connection or a killed server, leaves nothing behind.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // A temp table is private to this connection and not WAL-logged; ON COMMIT DROP cleans
        // it up whatever happens, so the pooled connection goes back clean.
        await ExecuteAsync(connection, """
            CREATE TEMP TABLE batch_staging (
                position  integer NOT NULL,
                name      text    NOT NULL,
                email     text    NOT NULL,
                email_key text    NOT NULL,
                age       integer NOT NULL,
                hobbies   text[]  NOT NULL
            ) ON COMMIT DROP;
            """, cancellationToken);

        var count = await CopyIntoStagingAsync(connection, users, cancellationToken);
        if (count == 0)
        {
            return new BatchCreateResult(0, []);
        }

        await ExecuteAsync(connection, "ANALYZE batch_staging;", cancellationToken, Unbounded);
        // The write lock is taken only now, after the client finished streaming: other writers
        // wait for the check and the INSERT, never for a slow client. The table lock keeps out
        // writers that bypass this service; readers are never blocked.
        await ExecuteAsync(connection, BeginWrite + " LOCK TABLE users IN EXCLUSIVE MODE;", cancellationToken, Unbounded);
        if (await FirstConflictAsync(connection, cancellationToken) is { } position)
        {
            throw new DuplicateEmailException(position);
        }

        var range = await InsertStagedAsync(connection, count, change, Now(), cancellationToken);
        await CommitAsync(transaction, cancellationToken);
        return new BatchCreateResult(count, [range]);
    }

    public Task<UserAccount> UpdateAsync(int id, UserChanges changes, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken) =>
        ChangeAsync(
            id,
            """
            name = COALESCE(@name, name), email = COALESCE(@email, email), email_key = COALESCE(@email_key, email_key),
            age = COALESCE(@age, age), hobbies = COALESCE(@hobbies, hobbies)
            """,
            parameters =>
            {
                parameters.Add(new NpgsqlParameter("name", NpgsqlDbType.Text) { Value = (object?)changes.Name ?? DBNull.Value });
                parameters.Add(new NpgsqlParameter("email", NpgsqlDbType.Text) { Value = (object?)changes.Email ?? DBNull.Value });
                parameters.Add(new NpgsqlParameter("email_key", NpgsqlDbType.Text) { Value = (object?)changes.EmailKey ?? DBNull.Value });
                parameters.Add(new NpgsqlParameter("age", NpgsqlDbType.Integer) { Value = (object?)changes.Age ?? DBNull.Value });
                parameters.Add(new NpgsqlParameter("hobbies", NpgsqlDbType.Array | NpgsqlDbType.Text)
                {
                    Value = changes.Hobbies is null ? DBNull.Value : changes.Hobbies.ToArray(),
                });
            },
            expectedVersion,
            UserEventKind.Updated,
            change,
            cancellationToken);

    public Task<UserAccount> SetStatusAsync(int id, AccountStatus status, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken) =>
        ChangeAsync(
            id,
            "status = @status",
            parameters => parameters.Add(new NpgsqlParameter<int>("status", (int)status)),
            expectedVersion,
            UserEventKind.StatusChanged,
            change,
            cancellationToken);

    public async Task DeleteAsync(int id, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        // The event keeps the user as it was: the audit log still knows what was deleted.
        await using var command = new NpgsqlCommand(PostgresUserRows.WithEvents($"""
            DELETE FROM users WHERE id = @id AND (@expected::bigint IS NULL OR version = @expected)
            RETURNING {PostgresUserRows.Columns}
            """), connection);
        command.Parameters.Add(new NpgsqlParameter<int>("id", id));
        command.Parameters.Add(new NpgsqlParameter("expected", NpgsqlDbType.Bigint) { Value = (object?)expectedVersion ?? DBNull.Value });
        AddEventParameters(command, UserEventKind.Deleted, change, Now());
        if (await ReadChangedAsync(command, cancellationToken) is null)
        {
            throw await MissingOrStaleAsync(connection, id, cancellationToken);
        }

        await CommitAsync(transaction, cancellationToken);
    }

    public async Task<UserAccount?> FindAsync(int id, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {PostgresUserRows.Columns} FROM users WHERE id = @id;");
        command.Parameters.Add(new NpgsqlParameter<int>("id", id));
        return await ReadChangedAsync(command, cancellationToken);
    }

    public async Task<UserPage> ListAsync(long offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // REPEATABLE READ: the page and the total come from one snapshot.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM users;", connection, transaction);
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        await using var command = new NpgsqlCommand($"SELECT {PostgresUserRows.Columns} FROM users ORDER BY id LIMIT @limit OFFSET @offset;", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        command.Parameters.Add(new NpgsqlParameter<long>("offset", offset));
        var users = await ReadAllAsync(command, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new UserPage(users, total);
    }

    public async Task<IReadOnlyList<UserAccount>> ListAfterAsync(int afterId, int limit, UserFilter filter, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"""
            SELECT {PostgresUserRows.Columns} FROM users
            WHERE id > @after
              AND (@status::integer IS NULL OR status = @status)
              AND (@email_key_prefix::text IS NULL OR starts_with(email_key, @email_key_prefix))
              AND (@name_prefix::text IS NULL OR starts_with(name, @name_prefix))
            ORDER BY id LIMIT @limit;
            """);
        command.Parameters.Add(new NpgsqlParameter<int>("after", afterId));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Integer) { Value = filter.Status is { } status ? (int)status : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("email_key_prefix", NpgsqlDbType.Text) { Value = (object?)filter.EmailKeyPrefix ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("name_prefix", NpgsqlDbType.Text) { Value = (object?)filter.NamePrefix ?? DBNull.Value });
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<UserEvent>> ReadEventsAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {PostgresUserRows.EventColumns} FROM user_events WHERE sequence > @after ORDER BY sequence LIMIT @limit;");
        command.Parameters.Add(new NpgsqlParameter<long>("after", afterSequence));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        var events = new List<UserEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(PostgresUserRows.ReadEvent(reader));
        }

        return events;
    }

    public async Task WaitForEventsAsync(long afterSequence, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        EnsureListening();
        var next = _changes.Next;
        await using (var command = _dataSource.CreateCommand("SELECT COALESCE(max(sequence), 0) FROM user_events;"))
        {
            if ((long)(await command.ExecuteScalarAsync(cancellationToken))! > afterSequence)
            {
                return;
            }
        }

        try
        {
            await next.WaitAsync(maxWait, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Time to re-read anyway.
        }
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT count(*) FROM schema_migrations;");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_listener is { } listener)
        {
            await listener;
        }

        _stopping.Dispose();
        await _listenerSource.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    private async Task<UserAccount> ChangeAsync(
        int id,
        string assignments,
        Action<NpgsqlParameterCollection> addParameters,
        long? expectedVersion,
        UserEventKind kind,
        ChangeContext change,
        CancellationToken cancellationToken)
    {
        var now = Now();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using var command = new NpgsqlCommand(PostgresUserRows.WithEvents($"""
            UPDATE users SET {assignments}, updated_at = @now, version = version + 1
            WHERE id = @id AND (@expected::bigint IS NULL OR version = @expected)
            RETURNING {PostgresUserRows.Columns}
            """), connection);
        addParameters(command.Parameters);
        command.Parameters.Add(new NpgsqlParameter<int>("id", id));
        command.Parameters.Add(new NpgsqlParameter("expected", NpgsqlDbType.Bigint) { Value = (object?)expectedVersion ?? DBNull.Value });
        AddEventParameters(command, kind, change, now);
        var updated = await ReadChangedAsync(command, cancellationToken) ?? throw await MissingOrStaleAsync(connection, id, cancellationToken);
        await CommitAsync(transaction, cancellationToken);
        return updated;
    }

    private static async Task<NpgsqlTransaction> BeginWriteAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // NOTIFY is delivered at commit, and only if the transaction commits. The lock may be
        // held by a large batch for a while: wait for it as long as the caller does.
        await ExecuteAsync(connection, BeginWrite, cancellationToken, Unbounded);
        return transaction;
    }

    private async Task CommitAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await transaction.CommitAsync(cancellationToken);
        // Wake this instance's watchers at once; other instances learn of it through NOTIFY.
        _changes.Pulse();
    }

    private static async Task<UserDomainException> MissingOrStaleAsync(NpgsqlConnection connection, int id, CancellationToken cancellationToken)
    {
        // A failed statement aborts the transaction; this runs after a statement that matched no row, which is fine.
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM users WHERE id = @id);", connection);
        command.Parameters.Add(new NpgsqlParameter<int>("id", id));
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))! ? new StaleEtagException(id) : new UserNotFoundException(id);
    }

    private static async Task<UserAccount?> FindByRequestIdAsync(NpgsqlConnection connection, string requestId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {PostgresUserRows.Columns} FROM users WHERE create_request_id = @request_key;", connection);
        command.Parameters.Add(new NpgsqlParameter<string>("request_key", requestId));
        return await ReadChangedAsync(command, cancellationToken);
    }

    private static async Task<int> CopyIntoStagingAsync(NpgsqlConnection connection, IAsyncEnumerable<NewUser> users, CancellationToken cancellationToken)
    {
        // Binary COPY streams each row to the server as it arrives: memory stays flat however
        // long the batch. Disposing the importer without Complete aborts the COPY.
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY batch_staging (position, name, email, email_key, age, hobbies) FROM STDIN (FORMAT BINARY)", cancellationToken);
        importer.Timeout = TimeSpan.Zero; // zero is "no timeout" here; see Unbounded
        var position = 0;
        await foreach (var user in users.WithCancellation(cancellationToken))
        {
            position++;
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(position, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(user.Name, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(user.Email, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(user.EmailKey, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(user.Age, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(user.Hobbies as string[] ?? [.. user.Hobbies], NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
        return position;
    }

    /// <summary>The first position whose email is taken already or repeats an earlier item's, if any.</summary>
    private static async Task<int?> FirstConflictAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT min(position) FROM (
                SELECT s.position FROM batch_staging s
                WHERE EXISTS (SELECT 1 FROM users u WHERE u.email_key = s.email_key)
                UNION ALL
                SELECT position FROM (
                    SELECT position, row_number() OVER (PARTITION BY email_key ORDER BY position) AS occurrence
                    FROM batch_staging
                ) repeated
                WHERE occurrence > 1
            ) conflicts;
            """, connection) { CommandTimeout = Unbounded };
        return await command.ExecuteScalarAsync(cancellationToken) is int position ? position : null;
    }

    private static async Task<IdRange> InsertStagedAsync(NpgsqlConnection connection, int count, ChangeContext change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // ORDER BY position: the identity default is evaluated on the sorted rows, so ids
        // follow item order; under the write lock nobody else draws ids in between.
        await using var command = new NpgsqlCommand(PostgresUserRows.WithEvents(
            $"""
            INSERT INTO users (name, email, email_key, age, hobbies, status, created_at, updated_at, version)
            SELECT name, email, email_key, age, hobbies, @status, @now, @now, 1 FROM batch_staging ORDER BY position
            RETURNING {PostgresUserRows.Columns}
            """,
            select: "SELECT min(id), max(id), count(*) FROM changed"), connection) { CommandTimeout = Unbounded };
        command.Parameters.Add(new NpgsqlParameter<int>("status", (int)AccountStatus.Active));
        AddEventParameters(command, UserEventKind.Created, change, now);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var (first, last, inserted) = (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt64(2));
            return inserted == count && last - first + 1 == count
                ? new IdRange(first, last)
                : throw new InvalidOperationException($"The batch of {count} got ids {first}-{last} ({inserted} rows); expected one consecutive range.");
        }
        catch (PostgresException exception) when (PostgresUserRows.IsUniqueViolation(exception))
        {
            throw new DuplicateEmailException();
        }
    }

    private static async Task<UserAccount?> ReadChangedAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        try
        {
            return (await ReadAllAsync(command, cancellationToken)).SingleOrDefault();
        }
        catch (PostgresException exception) when (PostgresUserRows.IsUniqueViolation(exception))
        {
            throw new DuplicateEmailException();
        }
    }

    private static async Task<IReadOnlyList<UserAccount>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var users = new List<UserAccount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(PostgresUserRows.Read(reader));
        }

        return users;
    }

    private void EnsureListening()
    {
        lock (_listenerGate)
        {
            _listener ??= Task.Run(() => ListenAsync(_stopping.Token));
        }
    }

    /// <summary>Turns NOTIFYs from every instance into local wake-ups, reconnecting after failures.</summary>
    private async Task ListenAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _listenerSource.OpenConnectionAsync(stopping);
                connection.Notification += (_, _) => _changes.Pulse();
                await ExecuteAsync(connection, $"LISTEN {EventsChannel};", stopping);
                // Whatever was committed while we were not listening is found by the re-read.
                _changes.Pulse();
                PostgresLog.Listening(_logger, EventsChannel);
                while (true)
                {
                    await connection.WaitAsync(stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or System.IO.IOException or TimeoutException)
            {
                // The database is away; watchers keep polling the table meanwhile. Retry soon.
                PostgresLog.ListenFailed(_logger, 1, exception);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static void AddUserParameters(NpgsqlCommand command, NewUser user)
    {
        command.Parameters.Add(new NpgsqlParameter<string>("name", user.Name));
        command.Parameters.Add(new NpgsqlParameter<string>("email", user.Email));
        command.Parameters.Add(new NpgsqlParameter<string>("email_key", user.EmailKey));
        command.Parameters.Add(new NpgsqlParameter<int>("age", user.Age));
        command.Parameters.Add(new NpgsqlParameter<string[]>("hobbies", user.Hobbies as string[] ?? [.. user.Hobbies]));
    }

    private static void AddEventParameters(NpgsqlCommand command, UserEventKind kind, ChangeContext change, DateTimeOffset now)
    {
        command.Parameters.Add(new NpgsqlParameter<string>("kind", UserEventKinds.Name(kind)));
        command.Parameters.Add(new NpgsqlParameter("actor", NpgsqlDbType.Text) { Value = (object?)change.Actor ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("request_id", NpgsqlDbType.Text) { Value = (object?)change.RequestId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, int? timeoutSeconds = null)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (timeoutSeconds is { } timeout)
        {
            command.CommandTimeout = timeout;
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private DateTimeOffset Now() => PostgresUserRows.ToStoredPrecision(_time.GetUtcNow());
}
