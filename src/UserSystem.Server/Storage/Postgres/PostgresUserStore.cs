using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using UserSystem.Server.Domain;
using UserSystem.Validation;

namespace UserSystem.Server.Storage.Postgres;

/// <summary>
/// The production store: PostgreSQL through <see cref="PostgresDataSources"/>, a pool for writes,
/// one for reads, the feed and health, and a connection for LISTEN/NOTIFY, each on the writable
/// primary of the hosts the connection string lists. Any number of service instances may share
/// the database; all state lives there.
/// </summary>
/// <remarks>
/// Writers commit concurrently: no lock or notification that every writer shares is held across
/// a write. Each single-user write is one autocommitted statement that changes the user and
/// records its event; event ids follow commit order through the transaction-id horizon of
/// <see cref="PostgresEventIds"/>, and after the commit <see cref="PostgresChangeNotifier"/>
/// wakes watchers and names the changed user to the other instances.
/// </remarks>
public sealed partial class PostgresUserStore : IUserStore, IAsyncDisposable
{
    // A batch runs as long as its client streams (a million rows: tens of seconds) and holds back
    // the change feed meanwhile (see PostgresEventIds): it gets this long, then fails and stores nothing.
    private const string BatchTimeout = "30min";

    // A batch's statements take time in proportion to the batch, so they run without Npgsql's
    // 30 s command timeout; the call's own cancellation and BatchTimeout still stop them.
    private const int Unbounded = 0;

    // How often a watcher re-reads while committed events wait behind an older transaction that
    // is still running (ours would wake it when it ends; another program's would not).
    private static readonly TimeSpan HeldBackPollInterval = TimeSpan.FromMilliseconds(50);

    // Counter shards (migration 7): 0-15 for single-user writes (by backend), 16-31 for batches.
    private const int BatchCountShards = 16;

    // Retries of a single-user write that drew an older transaction id than the user's last writer.
    private const int ReorderRetries = 10;

    private readonly PostgresDataSources _sources;
    private readonly bool _ownsSources;
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _readSource;
    private readonly PostgresReadRouter _router;
    private readonly PostgresChangeNotifier _notifier;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _database;

    /// <summary>
    /// Is there an event after <c>@after</c> a reader may have now (below the horizon), and is there
    /// one at all (committed, but held back)? Both through the primary key whatever the plan: the
    /// second is a max(), because as <c>EXISTS (... WHERE sequence > @after)</c> the generic plan
    /// of a prepared statement scanned the whole table when nothing was newer, every wake-up.
    /// </summary>
    internal static readonly string FeedReadySql = $"""
        SELECT EXISTS (SELECT 1 FROM user_events WHERE sequence > @after AND sequence < {PostgresEventIds.Horizon}),
               COALESCE((SELECT max(sequence) FROM user_events), 0) > @after;
        """;

    /// <summary>
    /// A store over sources a container owns (<see cref="PostgresDataSources.AddPostgresDataSources"/>);
    /// <paramref name="noticeSubscribers"/> hear of other instances' changes as they commit (the user cache).
    /// </summary>
    public PostgresUserStore(
        PostgresDataSources sources,
        TimeProvider time,
        ILogger<PostgresUserStore>? logger = null,
        IEnumerable<IChangeNoticeSubscriber>? noticeSubscribers = null,
        PostgresReadRouter? router = null)
        : this(sources, ownsSources: false, time, logger, noticeSubscribers ?? [], router)
    {
    }

    /// <summary>A store with sources of its own, built from <paramref name="connectionString"/> (tests and tools).</summary>
    public PostgresUserStore(string connectionString, TimeProvider time, ILogger<PostgresUserStore>? logger = null)
        : this(PostgresDataSources.Create(connectionString), ownsSources: true, time, logger, [], router: null)
    {
    }

    private PostgresUserStore(
        PostgresDataSources sources,
        bool ownsSources,
        TimeProvider time,
        ILogger<PostgresUserStore>? logger,
        IEnumerable<IChangeNoticeSubscriber> noticeSubscribers,
        PostgresReadRouter? router)
    {
        _logger = logger ?? (ILogger)NullLogger<PostgresUserStore>.Instance;
        _sources = sources;
        _ownsSources = ownsSources;
        _dataSource = sources.Writes;
        _readSource = sources.Reads;
        _database = sources.Database;
        _time = time;
        _notifier = new PostgresChangeNotifier(sources.Listener, noticeSubscribers, time, _logger);
        _router = router ?? new PostgresReadRouter(sources, new Consistency.StandbyReadOptions(), metrics: null, time);
    }

    /// <summary>Where reads run, and the database's identity for consistency tokens.</summary>
    public PostgresReadRouter Router => _router;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await PostgresMigrations.MigrateAsync(_dataSource, cancellationToken);
        await _router.InitializeAsync(cancellationToken);
        _notifier.ListenForSubscribers();
    }

    public async Task<UserAccount> CreateAsync(NewUser user, ChangeContext change, string? idempotencyKey, CancellationToken cancellationToken)
    {
        try
        {
            return await IdempotentCreate.CreateAsync(idempotencyKey, user, change.Actor, InsertAsync, FindByRequestIdAsync, FindCreationAsync, cancellationToken);
        }
        catch (Exception exception) when (PostgresFailures.IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }

        async Task<UserAccount> InsertAsync(CancellationToken ct)
        {
            await using var command = _dataSource.CreateCommand(PostgresUserRows.WithEvents($"""
                INSERT INTO users (name, email, email_key, age, hobbies, status, created_at, updated_at, version, create_request_id)
                VALUES (@name, @email, @email_key, @age, @hobbies, @status, @now, @now, 1, @request_key)
                RETURNING {UserRowReader.Columns}
                """));
            AddUserParameters(command, user);
            command.Parameters.Add(new NpgsqlParameter<int>("status", (int)AccountStatus.Active));
            command.Parameters.Add(new NpgsqlParameter("request_key", NpgsqlDbType.Text) { Value = (object?)idempotencyKey ?? DBNull.Value });
            AddEventParameters(command, UserEventKind.Created, change, Now());
            var created = await ReadChangedAsync(command, ct) ?? throw new InvalidOperationException("INSERT returned no row.");
            _notifier.Committed();
            return created;
        }
    }

    public async Task<BatchCreateResult> CreateBatchAsync(IAsyncEnumerable<NewUser> users, ChangeContext change, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            // One transaction from the first row to the commit: anything that goes wrong, including
            // a dropped connection or a killed server, leaves nothing behind.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // The batch holds its counter rows (migration 7) until it commits, seconds after the
            // COPY: it counts into a shard single-user writes never use (16-31).
            await ExecuteAsync(
                connection,
                $"""
                SET LOCAL statement_timeout = '{BatchTimeout}'; SET LOCAL idle_in_transaction_session_timeout = '{BatchTimeout}';
                SET LOCAL user_system.count_shard = '{BatchCountShards + Random.Shared.Next(BatchCountShards)}';
                """,
                cancellationToken);
            // Ids are drawn from the users' identity while rows stream in, so every id of this batch
            // is above the largest one committed now; that bounds the search for them below.
            long before;
            await using (var max = new NpgsqlCommand("SELECT COALESCE(max(id), 0) FROM users;", connection))
            {
                before = Convert.ToInt64(await max.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            }

            var count = await CopyIntoUsersAsync(connection, users, change, Now(), cancellationToken);
            if (count == 0)
            {
                return new BatchCreateResult(0, []);
            }

            var ranges = await RecordBatchEventsAsync(connection, before, count, change, Now(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            _notifier.Committed();
            await ObserveCommittedBatchAsync(cancellationToken);
            return new BatchCreateResult(count, ranges);
        }
        catch (Exception exception) when (PostgresFailures.IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }
    }

    /// <summary>
    /// The position after a batch's commit, for its token. The batch has committed: a failure to
    /// read the position must not turn its answer into an error (a retry would find every email
    /// taken), so it is logged and the token covers only what the call saw before.
    /// </summary>
    private async Task ObserveCommittedBatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _router.ObservePrimaryAsync(cancellationToken);
        }
        catch (Exception exception) when (PostgresFailures.IsUnavailable(exception))
        {
            StorageLog.Unavailable(_logger, _database, exception);
        }
    }

    public Task<UserAccount> UpdateAsync(int id, UserChanges changes, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken) =>
        ChangeAsync(
            id,
            """
            name = COALESCE(@name, name), email = COALESCE(@email, email), email_key = COALESCE(@email_key, email_key),
            age = COALESCE(@age, age), hobbies = COALESCE(@hobbies, hobbies)
            """,
            "(COALESCE(@name, name), COALESCE(@email, email), COALESCE(@age, age), COALESCE(@hobbies, hobbies)) IS DISTINCT FROM (name, email, age, hobbies)",
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
            changes.ApplyTo,
            expectedVersion,
            UserEventKind.Updated,
            change,
            cancellationToken);

    public Task<UserAccount> SetStatusAsync(int id, AccountStatus status, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken) =>
        ChangeAsync(
            id,
            "status = @status",
            "status <> @status",
            parameters => parameters.Add(new NpgsqlParameter<int>("status", (int)status)),
            user => user with { Status = status },
            expectedVersion,
            UserEventKind.StatusChanged,
            change,
            cancellationToken);

    public async Task DeleteAsync(int id, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                // Erasure in the same statement: the DELETED event is written without the user's
                // personal data, and it is erased from all earlier events of the user; ids, kinds,
                // times, actors and request ids stay, so the audit trail survives without the person.
                await using var command = _dataSource.CreateCommand(PostgresUserRows.WithErasingDeleteEvent($"""
                    DELETE FROM users
                    WHERE id = @id AND (@expected::bigint IS NULL OR version = @expected) AND last_xid < pg_current_xact_id()
                    RETURNING {UserRowReader.Columns}
                    """));
                command.Parameters.Add(new NpgsqlParameter<int>("id", id));
                command.Parameters.Add(new NpgsqlParameter("expected", NpgsqlDbType.Bigint) { Value = (object?)expectedVersion ?? DBNull.Value });
                AddEventParameters(command, UserEventKind.Deleted, change, Now());
                if (await ReadChangedAsync(command, cancellationToken) is not null)
                {
                    _notifier.Committed(id);
                    return;
                }

                await ThrowMissingOrStaleAsync(id, expectedVersion, cancellationToken);
                ThrowIfRetriesSpent(id, attempt);
            }
        }
        catch (Exception exception) when (PostgresFailures.IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }
    }

    public async Task<UserAccount?> FindAsync(int id, CancellationToken cancellationToken)
    {
        try
        {
            return await _router.ReadAsync(
                async (connection, ct) =>
                {
                    await using var command = new NpgsqlCommand(UserRowReader.FindByIdSql, connection);
                    command.Parameters.Add(new NpgsqlParameter<int>("id", id));
                    return await PostgresUserRows.Reader.ReadFirstAsync(command, ct);
                },
                cancellationToken);
        }
        catch (Exception exception) when (PostgresFailures.IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }
    }

    /// <summary>
    /// A page by offset: the users per block of ids (migration 8) are summed in block order to find
    /// the block the offset falls in, the rest of the offset is skipped inside that block alone in
    /// the primary key (an index-only scan of at most 8,191 entries), then the page is read from
    /// where it starts. At most a block's skip whatever the offset (1.2 ms at 1,000,000 users,
    /// against 70-140 ms to skip 999,990 entries).
    /// </summary>
    internal const string SeedPageSql = $"""
        WITH blocks AS (
            SELECT block, sum(users)::bigint AS users FROM user_id_blocks GROUP BY block
        ), reach AS (
            SELECT block, users, sum(users) OVER (ORDER BY block)::bigint AS through FROM blocks
        ), here AS (
            SELECT block, @offset - (through - users) AS skip FROM reach WHERE through > @offset ORDER BY block LIMIT 1
        )
        SELECT {UserRowReader.Columns} FROM users
        WHERE id >= (SELECT id FROM users WHERE id >= (SELECT block FROM here) << 13 ORDER BY id OFFSET (SELECT skip FROM here) LIMIT 1)
        ORDER BY id LIMIT @limit;
        """;

    public async Task<UserPage> ListAsync(long offset, int limit, CancellationToken cancellationToken)
    {
        try
        {
            return await _router.ReadAsync(ReadPageAsync, cancellationToken);
        }
        catch (Exception exception) when (PostgresFailures.IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }

        async Task<UserPage> ReadPageAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
        {
            // REPEATABLE READ: the page and the total come from one snapshot.
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand(TotalUsersSql),
                    new NpgsqlBatchCommand(SeedPageSql)
                    {
                        Parameters = { new NpgsqlParameter<long>("offset", offset), new NpgsqlParameter<int>("limit", limit) },
                    },
                },
            };
            long total;
            List<UserAccount> users;
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                total = reader.GetInt64(0);
                await reader.NextResultAsync(cancellationToken);
                users = await PostgresUserRows.Reader.ReadUsersAsync(reader, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return new UserPage(users, total);
        }
    }

    public async Task<IReadOnlyList<UserAccount>> ListAfterAsync(int afterId, int limit, UserFilter filter, CancellationToken cancellationToken)
    {
        try
        {
            return await _router.ReadAsync(ReadAfterAsync, cancellationToken);
        }
        catch (Exception exception) when (PostgresFailures.IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }

        async Task<IReadOnlyList<UserAccount>> ReadAfterAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
        {
            await using var batch = PostgresUserFilters.AddListAfter(new NpgsqlBatch(connection), afterId, limit, filter);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            // The users are the last result; a prefix form's plan setting comes first.
            for (var result = 1; result < batch.BatchCommands.Count; result++)
            {
                await reader.NextResultAsync(cancellationToken);
            }

            return await PostgresUserRows.Reader.ReadUsersAsync(reader, cancellationToken);
        }
    }

    private async Task<UserEvent?> FindCreationAsync(int userId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await UserEventLog.FindCreationAsync(connection, PostgresUserRows.Reader, userId, cancellationToken);
    }

    public async Task<IReadOnlyList<UserEvent>> ReadEventsAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        try
        {
            // The horizon is computed from this statement's own snapshot: what it returns is final.
            await using var connection = await _readSource.OpenConnectionAsync(cancellationToken);
            return await UserEventLog.ReadAsync(
                connection,
                $"""
                SELECT {UserRowReader.EventColumns} FROM user_events
                WHERE sequence > @after AND sequence < {PostgresEventIds.Horizon}
                ORDER BY sequence LIMIT @limit;
                """,
                PostgresUserRows.Reader,
                afterSequence,
                limit,
                cancellationToken);
        }
        catch (Exception exception) when (PostgresFailures.IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }
    }

    public async Task WaitForEventsAsync(long afterSequence, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        try
        {
            await UserEventLog.WaitAsync(_notifier.Next, ReadyOrWaitAsync, _time, cancellationToken);
        }
        catch (Exception exception) when (PostgresFailures.IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }

        async Task<TimeSpan?> ReadyOrWaitAsync(CancellationToken ct)
        {
            await using var command = _readSource.CreateCommand(FeedReadySql);
            command.Parameters.Add(new NpgsqlParameter<long>("after", afterSequence));
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            // Committed events that wait behind an older transaction still running may belong to a
            // program that will not notify when it ends: look again soon.
            return reader.GetBoolean(0) ? null
                : reader.GetBoolean(1) && HeldBackPollInterval < maxWait ? HeldBackPollInterval
                : maxWait;
        }
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        await using var command = _readSource.CreateCommand("SELECT count(*) FROM schema_migrations;");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _notifier.DisposeAsync();
        if (_ownsSources)
        {
            await _sources.DisposeAsync();
        }
    }

    /// <summary>
    /// One autocommitted UPDATE of the user and its event. <paramref name="changes"/> (SQL) keeps
    /// a change that would leave every field as it is from matching: no event, no new version;
    /// <paramref name="apply"/> (the same change in C#) then recognises it after the miss.
    /// </summary>
    private async Task<UserAccount> ChangeAsync(
        int id,
        string assignments,
        string changes,
        Action<NpgsqlParameterCollection> addParameters,
        Func<UserAccount, UserAccount> apply,
        long? expectedVersion,
        UserEventKind kind,
        ChangeContext change,
        CancellationToken cancellationToken)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                await using var command = _dataSource.CreateCommand(PostgresUserRows.WithEvents($"""
                    UPDATE users SET {assignments}, updated_at = @now, version = version + 1, last_xid = pg_current_xact_id()
                    WHERE id = @id AND (@expected::bigint IS NULL OR version = @expected) AND last_xid < pg_current_xact_id() AND {changes}
                    RETURNING {UserRowReader.Columns}
                    """));
                addParameters(command.Parameters);
                command.Parameters.Add(new NpgsqlParameter<int>("id", id));
                command.Parameters.Add(new NpgsqlParameter("expected", NpgsqlDbType.Bigint) { Value = (object?)expectedVersion ?? DBNull.Value });
                AddEventParameters(command, kind, change, Now());
                if (await ReadChangedAsync(command, cancellationToken) is { } updated)
                {
                    _notifier.Committed(id);
                    return updated;
                }

                var current = await ThrowMissingOrStaleAsync(id, expectedVersion, cancellationToken);
                if (apply(current).HasSameFieldsAs(current))
                {
                    return current;
                }

                ThrowIfRetriesSpent(id, attempt);
            }
        }
        catch (Exception exception) when (PostgresFailures.IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }
    }

    /// <summary>
    /// After a single-user write matched no row: throws not found or stale etag, or returns to
    /// retry. A retry happens when the row is there with the expected version but was last written
    /// by a transaction with a newer id than ours (two writers of one user raced between drawing
    /// their transaction ids and locking the row): its event would sort after ours in the feed
    /// although ours changes the later version. A new attempt draws a newer id.
    /// </summary>
    /// <returns>The user as it is now, for a change to recognise that it had nothing to do.</returns>
    private async Task<UserAccount> ThrowMissingOrStaleAsync(int id, long? expectedVersion, CancellationToken cancellationToken)
    {
        return ExpectedVersion.Check(await FindAsync(id, cancellationToken), id, expectedVersion);
    }

    private static void ThrowIfRetriesSpent(int id, int attempt)
    {
        if (attempt >= ReorderRetries)
        {
            throw new StaleEtagException(id);
        }
    }

    private async Task<UserAccount?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken)
    {
        // On the primary, through the writers' pool, whatever reads may use: what a retried create
        // answers must never come from a copy that lags.
        await using var command = _dataSource.CreateCommand(IdempotentCreate.FindSql);
        command.Parameters.Add(new NpgsqlParameter<string>("request_key", requestId));
        var earlier = await PostgresUserRows.Reader.ReadFirstAsync(command, cancellationToken);
        if (earlier is not null)
        {
            // A replayed create answers with the earlier one's user: its token must cover that commit.
            await _router.ObservePrimaryAsync(cancellationToken);
        }

        return earlier;
    }

    /// <summary>
    /// Streams the items straight into <c>users</c> with binary COPY as they arrive: memory stays
    /// flat however long the batch, and the unique index finds an email that is taken or repeated;
    /// the COPY's row number names the item. Disposing the importer without Complete aborts it.
    /// </summary>
    private static async Task<int> CopyIntoUsersAsync(
        NpgsqlConnection connection, IAsyncEnumerable<NewUser> users, ChangeContext change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var position = 0;
        try
        {
            await using var importer = await connection.BeginBinaryImportAsync(
                "COPY users (name, email, email_key, age, hobbies, status, created_at, updated_at, version) FROM STDIN (FORMAT BINARY)", cancellationToken);
            importer.Timeout = TimeSpan.Zero; // zero is "no timeout" here; BatchTimeout bounds it on the server
            await foreach (var user in users.WithCancellation(cancellationToken))
            {
                if (++position > PostgresEventIds.MaxEventsPerTransaction)
                {
                    throw InvalidInputException.ForField("batch", $"holds more than {PostgresEventIds.MaxEventsPerTransaction} items; nothing was stored, split it into smaller batches");
                }

                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(user.Name, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(user.Email, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(user.EmailKey, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(user.Age, NpgsqlDbType.Integer, cancellationToken);
                await importer.WriteAsync(user.Hobbies as string[] ?? [.. user.Hobbies], NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync((int)AccountStatus.Active, NpgsqlDbType.Integer, cancellationToken);
                await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                await importer.WriteAsync(1L, NpgsqlDbType.Bigint, cancellationToken);
            }

            await importer.CompleteAsync(cancellationToken);
            return position;
        }
        catch (PostgresException exception) when (PostgresUserRows.IsUniqueViolation(exception))
        {
            throw new DuplicateEmailException(PostgresUserRows.CopyRowOf(exception));
        }
    }

    /// <summary>One event per user of this batch, in id (= item) order; returns the batch's ids as ranges.</summary>
    /// <remarks>
    /// Two plain statements over the batch's rows, each walking the primary key in id order: as one
    /// statement, the batch had to be materialized (a million rows spilled to disk) to be read twice:
    /// 7.1 s against 5.3 s for a million rows in psql.
    /// </remarks>
    private static async Task<IReadOnlyList<IdRange>> RecordBatchEventsAsync(
        NpgsqlConnection connection, long before, int count, ChangeContext change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string BatchRows = "FROM users WHERE id > @before AND last_xid = pg_current_xact_id()";
        await using (var record = new NpgsqlCommand($"""
            INSERT INTO user_events (sequence, user_id, kind, actor, request_id, occurred_at, name, email, age, hobbies, status, created_at, updated_at, version)
            SELECT {PostgresEventIds.Of("row_number() OVER (ORDER BY id) - 1")}, id, @kind, @actor, @request_id, @now, name, email, age, hobbies, status, created_at, updated_at, version
            {BatchRows};
            """, connection) { CommandTimeout = Unbounded })
        {
            record.Parameters.Add(new NpgsqlParameter<long>("before", before));
            AddEventParameters(record, UserEventKind.Created, change, now);
            var recorded = await record.ExecuteNonQueryAsync(cancellationToken);
            if (recorded != count)
            {
                throw new InvalidOperationException($"The batch of {count} found {recorded} of its rows to record events for.");
            }
        }

        await using var ranges = new NpgsqlCommand($"""
            SELECT min(id), max(id) FROM (SELECT id, id - row_number() OVER (ORDER BY id) AS run {BatchRows}) AS batch
            GROUP BY run ORDER BY 1;
            """, connection) { CommandTimeout = Unbounded };
        ranges.Parameters.Add(new NpgsqlParameter<long>("before", before));
        var result = new List<IdRange>();
        await using var reader = await ranges.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new IdRange(reader.GetInt32(0), reader.GetInt32(1)));
        }

        return result;
    }

    private async Task<UserAccount?> ReadChangedAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteOnPrimaryAsync(command, cancellationToken);
        }
        catch (PostgresException exception) when (PostgresUserRows.IsRequestIdTaken(exception))
        {
            throw new RequestIdTakenException();
        }
        catch (PostgresException exception) when (PostgresUserRows.IsUniqueViolation(exception))
        {
            throw new DuplicateEmailException();
        }
    }

    /// <summary>
    /// Runs a single-user write (one autocommitted statement on the writers' pool). The one retry
    /// the server makes itself: a statement refused with 25006 ran on a node that is read-only
    /// now (a pooled connection to a demoted primary), and PostgreSQL refuses it before changing
    /// anything, so it runs again once on a fresh connection to the primary. Any other failure
    /// may have committed, and goes back to the client as UNAVAILABLE.
    /// </summary>
    private async Task<UserAccount?> WriteOnPrimaryAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteAndReadPositionAsync(command, cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction)
        {
            _sources.ForgetPrimary();
            return await WriteAndReadPositionAsync(command, cancellationToken);
        }
    }

    /// <summary>
    /// The write and the primary's WAL position after its commit, in one round trip: an error
    /// barrier (a Sync) after the write ends its implicit transaction, so the position is read
    /// after the commit record (the <c>consistency-token</c> of the call).
    /// </summary>
    private async Task<UserAccount?> WriteAndReadPositionAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var batch = _dataSource.CreateBatch();
        batch.EnableErrorBarriers = true;
        var write = new NpgsqlBatchCommand(command.CommandText);
        foreach (NpgsqlParameter parameter in command.Parameters)
        {
            write.Parameters.Add(parameter.Clone());
        }

        batch.BatchCommands.Add(write);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(PostgresReadRouter.CommittedSql));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var changed = await reader.ReadAsync(cancellationToken) ? PostgresUserRows.Reader.Read(reader) : null;
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        _router.Committed(reader.GetFieldValue<NpgsqlLogSequenceNumber>(0));
        return changed;
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

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs <paramref name="read"/>; a database that is away or moving becomes <see cref="StorageUnavailableException"/>.</summary>
    private async Task<T> WhileAvailableAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            return await read(cancellationToken);
        }
        catch (Exception exception) when (PostgresFailures.IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }
    }

    private StorageUnavailableException Unavailable(Exception exception)
    {
        StorageLog.Unavailable(_logger, _database, exception);
        if (PostgresFailures.MayHaveMoved(exception))
        {
            _sources.ForgetPrimary();
        }

        return new StorageUnavailableException(_database, exception);
    }

    private DateTimeOffset Now() => PostgresUserRows.ToStoredPrecision(_time.GetUtcNow());
}
