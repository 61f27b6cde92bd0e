using Npgsql;

namespace UserSystem.Server.Storage.Postgres;

/// <summary>
/// The PostgreSQL store's three pools, each a multi-host data source over every host the
/// connection string lists (one host is a list of one), each opened on the writable primary:
/// writes; reads, the change feed and health; and LISTEN/NOTIFY outside any pool. Registered
/// through Npgsql's DI integration (<see cref="AddPostgresDataSources"/>), which gives them the
/// host's logger factory; Npgsql's own meter and activity source are collected by
/// <c>AddUserObservability</c>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Which host.</b> <see cref="TargetSessionAttributes.ReadWrite"/>, whatever the connection
/// string says: a node pg_auto_failover has just promoted runs with
/// <c>default_transaction_read_only</c> until the old primary is demoted, and
/// <c>primary</c> (<c>pg_is_in_recovery()</c> only) would connect there and fail every write with
/// 25006. Npgsql caches each host's role for <c>Host Recheck Seconds</c>: 1 s here unless the
/// connection string says otherwise (Npgsql's default of 10 s kept a service down 6 s longer than
/// the database after a switchover).
/// </para>
/// <para>
/// <b>Standby reads.</b> <see cref="PostgresReadRouter"/> takes a <c>PreferStandby</c> view of
/// <see cref="ReadHosts"/> for reads that carry a consistency token.
/// </para>
/// </remarks>
public sealed class PostgresDataSources : IAsyncDisposable
{
    /// <summary>The DI service keys of the three multi-host data sources.</summary>
    public const string WritesKey = "user-store-writes";
    public const string ReadsKey = "user-store-reads";
    public const string ListenerKey = "user-store-listener";

    // A write of one user that waits longer than this for a row or an email another transaction
    // holds, or runs longer in all, fails (and is retried by the client) instead of holding its
    // connection. Set on every pooled session; a batch raises its own statement limit.
    private const string SessionTimeouts = "-c statement_timeout=15s -c lock_timeout=5s -c idle_in_transaction_session_timeout=30s";

    private const int HostRecheckSeconds = 1;

    private readonly bool _owned;

    public PostgresDataSources(NpgsqlMultiHostDataSource writes, NpgsqlMultiHostDataSource reads, NpgsqlMultiHostDataSource listener, string database)
        : this(writes, reads, listener, database, owned: false)
    {
    }

    private PostgresDataSources(NpgsqlMultiHostDataSource writes, NpgsqlMultiHostDataSource reads, NpgsqlMultiHostDataSource listener, string database, bool owned)
    {
        WriteHosts = writes;
        ReadHosts = reads;
        ListenerHosts = listener;
        Writes = writes.WithTargetSession(TargetSessionAttributes.ReadWrite);
        Reads = reads.WithTargetSession(TargetSessionAttributes.ReadWrite);
        Listener = listener.WithTargetSession(TargetSessionAttributes.ReadWrite);
        Database = database;
        _owned = owned;
    }

    public NpgsqlMultiHostDataSource WriteHosts { get; }

    public NpgsqlMultiHostDataSource ReadHosts { get; }

    public NpgsqlMultiHostDataSource ListenerHosts { get; }

    /// <summary>Single-user writes, batches, migrations: the primary.</summary>
    public NpgsqlDataSource Writes { get; }

    /// <summary>Reads, the change feed and the health check: the primary, in a pool of its own.</summary>
    public NpgsqlDataSource Reads { get; }

    /// <summary>LISTEN and NOTIFY, unpooled: the primary.</summary>
    public NpgsqlDataSource Listener { get; }

    /// <summary>How the database is named in errors (see <see cref="PostgresFailures.DescribeDatabase"/>).</summary>
    public string Database { get; }

    /// <summary>
    /// Registers the three multi-host data sources under their keys, and this class over them.
    /// </summary>
    public static IServiceCollection AddPostgresDataSources(IServiceCollection services, string connectionString)
    {
        services.AddMultiHostNpgsqlDataSource(connectionString, (_, builder) => Configure(builder, connectionString, PostgresPool.Writes), serviceKey: WritesKey);
        services.AddMultiHostNpgsqlDataSource(connectionString, (_, builder) => Configure(builder, connectionString, PostgresPool.Reads), serviceKey: ReadsKey);
        services.AddMultiHostNpgsqlDataSource(connectionString, (_, builder) => Configure(builder, connectionString, PostgresPool.Listener), serviceKey: ListenerKey);
        services.AddSingleton(provider => new PostgresDataSources(
            provider.GetRequiredKeyedService<NpgsqlMultiHostDataSource>(WritesKey),
            provider.GetRequiredKeyedService<NpgsqlMultiHostDataSource>(ReadsKey),
            provider.GetRequiredKeyedService<NpgsqlMultiHostDataSource>(ListenerKey),
            DescribeDatabase(connectionString)));
        return services;
    }

    /// <summary>The same three sources without a container (tests and tools); disposing this disposes them.</summary>
    public static PostgresDataSources Create(string connectionString, ILoggerFactory? loggerFactory = null)
    {
        NpgsqlMultiHostDataSource Build(PostgresPool pool)
        {
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            if (loggerFactory is not null)
            {
                builder.UseLoggerFactory(loggerFactory);
            }

            Configure(builder, connectionString, pool);
            return builder.BuildMultiHost();
        }

        return new PostgresDataSources(Build(PostgresPool.Writes), Build(PostgresPool.Reads), Build(PostgresPool.Listener), DescribeDatabase(connectionString), owned: true);
    }

    /// <summary>
    /// After a failure that may mean the primary has moved: drops idle connections (a pooled
    /// connection to the old primary fails once more, or writes to a node that is now read-only)
    /// and forgets each host's cached role, so the next open finds the primary again.
    /// </summary>
    public void ForgetPrimary()
    {
        foreach (var hosts in new[] { WriteHosts, ReadHosts, ListenerHosts })
        {
            hosts.Clear();
            hosts.ClearDatabaseStates();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned)
        {
            await ListenerHosts.DisposeAsync();
            await ReadHosts.DisposeAsync();
            await WriteHosts.DisposeAsync();
        }
    }

    private static string DescribeDatabase(string connectionString) =>
        PostgresFailures.DescribeDatabase(new NpgsqlConnectionStringBuilder(connectionString));

    private static void Configure(NpgsqlDataSourceBuilder builder, string connectionString, PostgresPool pool)
    {
        var settings = builder.ConnectionStringBuilder;
        if (settings.MaxAutoPrepare == 0)
        {
            // Statements run again and again get prepared on each connection automatically:
            // parsed and planned once, then only bound and executed.
            settings.MaxAutoPrepare = 64;
            settings.AutoPrepareMinUsages = 2;
        }

        if (!NamesSetting(connectionString, "No Reset On Close"))
        {
            // Nothing this store runs leaves session state behind (settings are SET LOCAL, locks are
            // transaction locks, LISTEN lives outside the pools), so a connection returned to the
            // pool needs no reset: without this, the next use of each connection first runs seven
            // reset statements, and the change feed's reads alone open two per commit.
            settings.NoResetOnClose = true;
        }

        if (!NamesSetting(connectionString, "Host Recheck Seconds"))
        {
            settings.HostRecheckSeconds = HostRecheckSeconds;
        }

        var application = settings.ApplicationName ?? "user-system";
        settings.Options = string.IsNullOrWhiteSpace(settings.Options) ? SessionTimeouts : $"{settings.Options} {SessionTimeouts}";
        switch (pool)
        {
            case PostgresPool.Writes:
                settings.ApplicationName = application;
                break;
            case PostgresPool.Reads:
                // Writers that fill their pool (a burst, or a database that stalls) never make a
                // read or a probe wait.
                settings.ApplicationName = application + "-reads";
                break;
            case PostgresPool.Listener:
                // LISTEN is session state, and notifications go out on a connection of their own.
                settings.Pooling = false;
                settings.KeepAlive = 30;
                // A listener's probe that times out means the connection is lost: break it at
                // once instead of waiting up to 2 s more for a cancellation's answer.
                settings.CancellationTimeout = -1;
                settings.ApplicationName = "user-system-listener";
                break;
        }
    }

    // NpgsqlConnectionStringBuilder knows every keyword; a plain builder holds only those given.
    private static bool NamesSetting(string connectionString, string keyword)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return given.ContainsKey(keyword) || given.ContainsKey(keyword.Replace(" ", "", StringComparison.Ordinal));
    }

    private enum PostgresPool
    {
        Writes,
        Reads,
        Listener,
    }
}
