using Npgsql;
using NpgsqlTypes;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage.Postgres;

/// <summary>
/// The production store: PostgreSQL through one pooled <see cref="NpgsqlDataSource"/>. Every
/// instance of the service may share the database; all state lives there.
/// </summary>
public sealed class PostgresUserStore : IUserStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;

    public PostgresUserStore(string connectionString, TimeProvider time)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // Statements run again and again get prepared on each connection automatically:
            // parse and plan once, then only bind and execute.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }

        builder.ConnectionStringBuilder.ApplicationName ??= "user-system";
        _dataSource = builder.Build();
        _time = time;
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => PostgresMigrator.MigrateAsync(_dataSource, cancellationToken);

    public async Task<UserAccount> CreateAsync(NewUser user, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO users (name, email, email_key, age, hobbies, status, created_at, updated_at)
            VALUES (@name, @email, @email_key, @age, @hobbies, @status, @now, @now)
            RETURNING id;
            """);
        AddUserParameters(command, user);
        command.Parameters.Add(new NpgsqlParameter<int>("status", (int)AccountStatus.Active));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        try
        {
            var id = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
            return new UserAccount(id, user.Name, user.Email, user.Age, user.Hobbies, AccountStatus.Active, now, now);
        }
        catch (PostgresException exception) when (PostgresUserRows.IsUniqueViolation(exception))
        {
            throw new DuplicateEmailException();
        }
    }

    public async Task<BatchCreateResult> CreateBatchAsync(IAsyncEnumerable<NewUser> users, CancellationToken cancellationToken)
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

        await ExecuteAsync(connection, "ANALYZE batch_staging;", cancellationToken);
        // Taken only now, after the client finished streaming: other writers wait for the check
        // and the INSERT, not for a slow client. It makes the duplicate check exact and the new
        // ids one consecutive range; readers are not blocked.
        await ExecuteAsync(connection, "LOCK TABLE users IN EXCLUSIVE MODE;", cancellationToken);
        if (await FirstConflictAsync(connection, cancellationToken) is { } position)
        {
            throw new DuplicateEmailException(position);
        }

        var range = await InsertStagedAsync(connection, count, Now(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new BatchCreateResult(count, [range]);
    }

    public async Task<UserAccount?> FindAsync(int id, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {PostgresUserRows.Columns} FROM users WHERE id = @id;");
        command.Parameters.Add(new NpgsqlParameter<int>("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? PostgresUserRows.Read(reader) : null;
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

    public async Task<IReadOnlyList<UserAccount>> ListAfterAsync(int afterId, int limit, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {PostgresUserRows.Columns} FROM users WHERE id > @after ORDER BY id LIMIT @limit;");
        command.Parameters.Add(new NpgsqlParameter<int>("after", afterId));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT count(*) FROM schema_migrations;");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static async Task<int> CopyIntoStagingAsync(NpgsqlConnection connection, IAsyncEnumerable<NewUser> users, CancellationToken cancellationToken)
    {
        // Binary COPY streams each row to the server as it arrives: memory stays flat however
        // long the batch. Disposing the importer without Complete aborts the COPY.
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY batch_staging (position, name, email, email_key, age, hobbies) FROM STDIN (FORMAT BINARY)", cancellationToken);
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
            """, connection);
        return await command.ExecuteScalarAsync(cancellationToken) is int position ? position : null;
    }

    private static async Task<IdRange> InsertStagedAsync(NpgsqlConnection connection, int count, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // ORDER BY position: the identity default is evaluated on the sorted rows, so ids
        // follow item order; under the table lock nobody else draws ids in between.
        await using var command = new NpgsqlCommand("""
            WITH inserted AS (
                INSERT INTO users (name, email, email_key, age, hobbies, status, created_at, updated_at)
                SELECT name, email, email_key, age, hobbies, @status, @now, @now FROM batch_staging ORDER BY position
                RETURNING id
            )
            SELECT min(id), max(id), count(*) FROM inserted;
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<int>("status", (int)AccountStatus.Active));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
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

    private static void AddUserParameters(NpgsqlCommand command, NewUser user)
    {
        command.Parameters.Add(new NpgsqlParameter<string>("name", user.Name));
        command.Parameters.Add(new NpgsqlParameter<string>("email", user.Email));
        command.Parameters.Add(new NpgsqlParameter<string>("email_key", user.EmailKey));
        command.Parameters.Add(new NpgsqlParameter<int>("age", user.Age));
        command.Parameters.Add(new NpgsqlParameter<string[]>("hobbies", user.Hobbies as string[] ?? [.. user.Hobbies]));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private DateTimeOffset Now() => PostgresUserRows.ToStoredPrecision(_time.GetUtcNow());
}
