using Npgsql;
using UserSystem.Server.Domain;
using UserSystem.Server.Storage;
using UserSystem.Server.Storage.Postgres;
using UserSystem.Testing;
using UserSystem.Validation;

namespace UserSystem.Server.Tests.Storage;

/// <summary>
/// The seed's total and GetUserStats' counts come from counter rows the writes keep (migration 7),
/// not from counting the users, and so does where a seed page starts (users per block of ids,
/// migration 8): after any mix of writes they must still equal a count of the users, and every
/// seed page the page an <c>OFFSET</c> of the users gives.
/// </summary>
public sealed class PostgresUserCountTests : IAsyncLifetime
{
    private static readonly ChangeContext Admin = new("admin", null);
    private static readonly DateOnly FirstDay = new(2000, 1, 1);
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync().DefaultTimeout();
        _connectionString = await server.CreateDatabaseAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ConcurrentMixedWorkload_CountsEqualTheUsersCounted()
    {
        await using var store = new PostgresUserStore(_connectionString, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        // Users created over twelve days by another writer, so the daily counts have days to keep apart,
        // with ids of its choosing spread over blocks below the store's (negative ones too).
        await ExecuteAsync("""
            SELECT setval(pg_get_serial_sequence('users', 'id'), 100000);
            INSERT INTO users (id, name, email, email_key, age, hobbies, status, created_at, updated_at)
            SELECT CASE WHEN i % 2 = 0 THEN -50 * i ELSE 100 * i END,
                   'seed ' || i, 'seed' || i || '@example.com', 'SEED' || i || '@EXAMPLE.COM', 30, '{}', i % 3,
                   now() - (i % 12) * interval '1 day', now()
            FROM generate_series(1, 600) AS i;
            """);

        var writers = Enumerable.Range(0, 8).Select(writer => Task.Run(() => WriteMixAsync(store, writer)));
        var batches = Task.Run(async () =>
        {
            await store.CreateBatchAsync(Batch("batch", 300), Admin, CancellationToken.None);
            // A batch that fails on its last item stores nothing, and counts nothing.
            await Assert.ThrowsAsync<DuplicateEmailException>(() =>
                store.CreateBatchAsync(Batch("rolled-back", 200).Append(new NewUser("Twin", "seed1@example.com", 30, [])), Admin, CancellationToken.None));
        });
        var pruning = Task.Run(() => store.PruneEventsAsync(new EventRetention(null, 50), CancellationToken.None));
        var outsider = Task.Run(() => ExecuteAsync("UPDATE users SET status = 2 WHERE id % 7 = 0; DELETE FROM users WHERE id % 11 = 0;"));
        await Task.WhenAll([.. writers, batches, pruning, outsider]).WaitAsync(TimeSpan.FromMinutes(2));

        var stats = await store.GetStatsAsync(FirstDay, CancellationToken.None).DefaultTimeout();
        var page = await store.ListAsync(0, 10, CancellationToken.None).DefaultTimeout();

        var byStatus = await ReadPairsAsync("SELECT status, count(*) FROM users GROUP BY status;");
        var perDay = await ReadPairsAsync("SELECT ((created_at AT TIME ZONE 'UTC')::date - date '2000-01-01'), count(*) FROM users GROUP BY 1 ORDER BY 1;");
        Assert.Equal(byStatus.Values.Sum(), page.Total);
        Assert.Equal(byStatus.Values.Sum(), stats.Total);
        Assert.All(Enum.GetValues<AccountStatus>(), status =>
            Assert.Equal(byStatus.GetValueOrDefault((int)status), stats.CountsByStatus[status]));
        Assert.Equal(
            perDay.Select(day => (FirstDay.AddDays(day.Key), day.Value)),
            stats.CreatedPerDay.Select(day => (day.Day, day.Count)));
        Assert.True(perDay.Count >= 12);
        await AssertBlocksAndSeedPagesAsync(store);
    }

    [Fact]
    public async Task DatabaseStoppedUnderWrites_CountsStillEqualTheUsersCounted()
    {
        // A cluster of its own: stopping it cuts every session, and with them writes in flight.
        await using var postgres = await PostgresServer.StartDedicatedAsync().WaitAsync(TimeSpan.FromMinutes(2));
        _connectionString = await postgres.CreateDatabaseAsync();
        await using var store = new PostgresUserStore(_connectionString, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        var writes = 0;

        var writers = Enumerable.Range(0, 6)
            .Select(writer => Task.Run(() => WriteMixAsync(store, writer, writes: 150, written: () => Interlocked.Increment(ref writes))))
            .ToList();
        await Poll.UntilAsync(() => Volatile.Read(ref writes) >= 100).DefaultTimeout();
        await postgres.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await postgres.StartAsync().WaitAsync(TimeSpan.FromMinutes(1));
        var unavailable = await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(unavailable.Sum() > 0, "no write met the stopped database");
        var stats = await store.GetStatsAsync(FirstDay, CancellationToken.None).DefaultTimeout();
        var byStatus = await ReadPairsAsync("SELECT status, count(*) FROM users GROUP BY status;");
        Assert.True(byStatus.Values.Sum() >= 100);
        Assert.Equal(byStatus.Values.Sum(), stats.Total);
        Assert.All(Enum.GetValues<AccountStatus>(), status =>
            Assert.Equal(byStatus.GetValueOrDefault((int)status), stats.CountsByStatus[status]));
        Assert.Equal(byStatus.Values.Sum(), stats.CreatedPerDay.Sum(day => day.Count));
        await AssertBlocksAndSeedPagesAsync(store);
    }

    [Fact]
    public async Task Migration_OnATableWithUsers_FillsTheCounters()
    {
        // The schema as it was before the counters (steps 1-6), with users in it.
        await ExecuteAsync("CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());");
        foreach (var (version, sql) in PostgresMigrations.All.Where(step => step.Version < 7))
        {
            await ExecuteAsync($"{sql}\nINSERT INTO schema_migrations (version) VALUES ({version});");
        }

        await ExecuteAsync("""
            INSERT INTO users (name, email, email_key, age, hobbies, status, created_at, updated_at)
            SELECT 'old ' || i, 'old' || i || '@example.com', 'OLD' || i || '@EXAMPLE.COM', 30, '{}', i % 3,
                   timestamptz '2026-01-01 12:00Z' + (i % 5) * interval '1 day', now()
            FROM generate_series(1, 1000) AS i;
            """);

        await using var store = new PostgresUserStore(_connectionString, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        var stats = await store.GetStatsAsync(FirstDay, CancellationToken.None).DefaultTimeout();

        Assert.Equal(1000, (await store.ListAsync(0, 1, CancellationToken.None)).Total);
        Assert.Equal(333, stats.CountsByStatus[AccountStatus.Inactive]);
        Assert.Equal(334, stats.CountsByStatus[AccountStatus.Active]);
        Assert.Equal(333, stats.CountsByStatus[AccountStatus.Suspended]);
        Assert.Equal(Enumerable.Range(1, 5).Select(day => (new DateOnly(2026, 1, day), 200L)), stats.CreatedPerDay.Select(day => (day.Day, day.Count)));
        await AssertBlocksAndSeedPagesAsync(store);
    }

    [Fact]
    public async Task Batch_CountsInAShardNoSingleUserWriteUses()
    {
        await using var store = new PostgresUserStore(_connectionString, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        await store.CreateAsync(new NewUser("Single", $"{Guid.NewGuid():N}@example.com", 30, []), Admin, null, CancellationToken.None).DefaultTimeout();
        await store.CreateBatchAsync(Batch("batched", 25), Admin, CancellationToken.None).DefaultTimeout();

        // A batch holds its counter rows until it commits, seconds after its COPY: in a shard of
        // its own (16-31), single-user writes (0-15) never wait for it.
        var byShard = await ReadPairsAsync("SELECT shard, users FROM user_status_counts;");
        Assert.Equal(1, byShard.Where(row => row.Key < 16).Sum(row => row.Value));
        Assert.Equal(25, byShard.Where(row => row.Key is >= 16 and < 32).Sum(row => row.Value));
    }

    [Fact]
    public async Task Truncate_ResetsTheCounters()
    {
        await using var store = new PostgresUserStore(_connectionString, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        await store.CreateBatchAsync(Batch("gone", 10), Admin, CancellationToken.None).DefaultTimeout();

        await ExecuteAsync("TRUNCATE users;");

        Assert.Equal(0, (await store.GetStatsAsync(FirstDay, CancellationToken.None).DefaultTimeout()).Total);
        Assert.Empty(await ReadPairsAsync("SELECT block, sum(users)::bigint FROM user_id_blocks GROUP BY block HAVING sum(users) <> 0;"));
    }

    private async Task AssertBlocksAndSeedPagesAsync(PostgresUserStore store)
    {
        var blocks = await ReadPairsAsync("SELECT block, sum(users)::bigint FROM user_id_blocks GROUP BY block HAVING sum(users) <> 0 ORDER BY block;");
        Assert.Equal(await ReadPairsAsync("SELECT id >> 13, count(*) FROM users GROUP BY 1 ORDER BY 1;"), blocks);

        var ids = (await ReadPairsAsync("SELECT row_number() OVER (ORDER BY id)::integer - 1, id::bigint FROM users;")).Values.Select(id => (int)id).ToList();
        foreach (var offset in new[] { 0, 1, 7, ids.Count / 3, ids.Count / 2 + 5, ids.Count - 3, ids.Count, ids.Count + 4 }.Distinct())
        {
            var page = await store.ListAsync(offset, 7, CancellationToken.None).DefaultTimeout();
            Assert.Equal(ids.Skip(offset).Take(7), page.Users.Select(user => user.Id));
            Assert.Equal(ids.Count, page.Total);
        }
    }

    // Creates, renames, status changes and deletes of its own users and of others', some racing.
    // Returns how many writes failed because the database was away.
    private static async Task<int> WriteMixAsync(PostgresUserStore store, int writer, int writes = 40, Action? written = null)
    {
        var random = new Random(writer);
        var unavailable = 0;
        for (var i = 0; i < writes; i++)
        {
            try
            {
                var created = await store.CreateAsync(new NewUser($"w{writer}-{i}", $"w{writer}-{i}-{Guid.NewGuid():N}@example.com", 30, []), Admin, null, CancellationToken.None);
                written?.Invoke();
                var target = random.Next(2) == 0 ? created.Id : random.Next(1, created.Id + 1);
                switch (random.Next(4))
                {
                    case 0:
                        await store.SetStatusAsync(target, (AccountStatus)random.Next(3), null, Admin, CancellationToken.None);
                        break;
                    case 1:
                        await store.UpdateAsync(target, new UserChanges(Name: $"renamed {i}"), null, Admin, CancellationToken.None);
                        break;
                    case 2:
                        await store.DeleteAsync(target, null, Admin, CancellationToken.None);
                        break;
                    default:
                        break;
                }
            }
            catch (UserDomainException exception) when (exception is UserNotFoundException or StaleEtagException)
            {
                // Another writer deleted or changed it first: a race this test wants.
            }
            catch (StorageUnavailableException)
            {
                // The database went away under the write (a test stops it): it committed whole or not at all.
                unavailable++;
                await Task.Delay(50);
            }
        }

        return unavailable;
    }

    private static async IAsyncEnumerable<NewUser> Batch(string prefix, int count)
    {
        await Task.Yield();
        for (var i = 0; i < count; i++)
        {
            yield return new NewUser($"{prefix} {i}", $"{prefix}-{i}-{Guid.NewGuid():N}@example.com", 30, []);
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().DefaultTimeout();
    }

    private async Task<Dictionary<int, long>> ReadPairsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var pairs = new Dictionary<int, long>();
        while (await reader.ReadAsync())
        {
            pairs.Add(reader.GetInt32(0), reader.GetInt64(1));
        }

        return pairs;
    }
}
