using Npgsql;
using UserSystem.Server.Domain;
using UserSystem.Server.Storage.Postgres;
using UserSystem.Testing;
using UserSystem.Validation;

namespace UserSystem.Server.Tests.Storage;

/// <summary>
/// Which host of a multi-host connection string the store writes to. Two servers hold a database
/// of the same name; on the first it is read-only (default_transaction_read_only, as on a node
/// pg_auto_failover has just promoted), which <c>Target Session Attributes=primary</c> alone
/// would accept, since that server is not in recovery.
/// </summary>
public sealed class PostgresPrimaryChoiceTests : IAsyncLifetime
{
    private readonly string _database = $"ha_{Guid.NewGuid():N}";
    private PostgresServer _readOnly = null!;
    private PostgresServer _writable = null!;

    public async Task InitializeAsync()
    {
        _readOnly = await PostgresServer.GetAsync().DefaultTimeout();
        _writable = await PostgresServer.StartDedicatedAsync().WaitAsync(TimeSpan.FromMinutes(2));
        await AdminAsync(_readOnly, $"CREATE DATABASE \"{_database}\";");
        await AdminAsync(_writable, $"CREATE DATABASE \"{_database}\";");
        // Migrated while writable, then turned read-only: the schema is there, writes are refused.
        await using (var store = new PostgresUserStore(ConnectionString(_readOnly), TimeProvider.System))
        {
            await store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        }

        await AdminAsync(_readOnly, $"ALTER DATABASE \"{_database}\" SET default_transaction_read_only = on;");
    }

    public async Task DisposeAsync() => await _writable.DisposeAsync();

    [Fact]
    public async Task ReadOnlyHostListedFirstAsPrimary_CreateIsStoredOnTheWritableHost()
    {
        var hosts = $"{Endpoint(_readOnly)},{Endpoint(_writable)}";
        await using var store = new PostgresUserStore(ConnectionString(_writable, hosts) + ";Target Session Attributes=primary", TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None).DefaultTimeout();

        var created = await store.CreateAsync(NewUser("chosen@example.com"), CancellationToken.None).DefaultTimeout();

        Assert.Equal(1, await CountUsersAsync(_writable, created.Email));
        Assert.Equal(0, await CountUsersAsync(_readOnly, created.Email));
    }

    [Fact]
    public async Task OnlyReadOnlyHosts_CreateIsStorageUnavailableNamingTheDatabase()
    {
        await using var store = new PostgresUserStore(ConnectionString(_readOnly), TimeProvider.System);

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(
            () => store.CreateAsync(NewUser("refused@example.com"), CancellationToken.None)).DefaultTimeout();

        Assert.Contains($"PostgreSQL database '{_database}'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrimaryTurnsReadOnlyUnderAPooledConnection_TheCreateIsRetriedOnTheWritableHost()
    {
        // The roles swap: the shared server's copy becomes writable, the dedicated server (first
        // in the list, written to first) turns read-only under the store's pooled connection.
        // Npgsql trusts its cached host roles for an hour here, as for the second after a switchover.
        await AdminAsync(_readOnly, $"ALTER DATABASE \"{_database}\" RESET default_transaction_read_only;");
        var hosts = $"{Endpoint(_writable)},{Endpoint(_readOnly)}";
        await using var store = new PostgresUserStore(ConnectionString(_writable, hosts) + ";Host Recheck Seconds=3600", TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        var before = await store.CreateAsync(NewUser("before@example.com"), CancellationToken.None).DefaultTimeout();
        await AdminAsync(_writable, "ALTER SYSTEM SET default_transaction_read_only = on;");
        await AdminAsync(_writable, "SELECT pg_reload_conf();");
        // A new session sees it once the postmaster has reloaded, and it signals every backend first.
        await ReadOnlyForNewSessionsAsync().DefaultTimeout();

        var after = await store.CreateAsync(NewUser("after@example.com"), CancellationToken.None).DefaultTimeout();

        Assert.Equal((1, 0), (await CountUsersAsync(_writable, before.Email), await CountUsersAsync(_readOnly, before.Email)));
        Assert.Equal((0, 1), (await CountUsersAsync(_writable, after.Email), await CountUsersAsync(_readOnly, after.Email)));
        Assert.Equal("after@example.com", (await store.FindAsync(after.Id, CancellationToken.None).DefaultTimeout())!.Email);
    }

    private static NewUser NewUser(string email) => new("Chosen", email, 30, []);

    private static string Endpoint(PostgresServer server)
    {
        var admin = new NpgsqlConnectionStringBuilder(server.AdminConnectionString);
        return $"{admin.Host}:{admin.Port}";
    }

    private string ConnectionString(PostgresServer server, string? hosts = null) =>
        new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Host = hosts ?? Endpoint(server), Port = 5432, Database = _database }.ConnectionString;

    private async Task<long> CountUsersAsync(PostgresServer server, string email)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(server));
        await connection.OpenAsync().DefaultTimeout();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM users WHERE email = @email;", connection);
        command.Parameters.AddWithValue("email", email);
        return (long)(await command.ExecuteScalarAsync().DefaultTimeout())!;
    }

    private async Task ReadOnlyForNewSessionsAsync()
    {
        while (true)
        {
            await using var connection = new NpgsqlConnection(_writable.AdminConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SHOW default_transaction_read_only;", connection);
            if ((string?)await command.ExecuteScalarAsync() == "on")
            {
                return;
            }

            await Task.Delay(50);
        }
    }

    private static async Task AdminAsync(PostgresServer server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync().DefaultTimeout();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().DefaultTimeout();
    }
}
