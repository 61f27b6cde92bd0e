using Npgsql;
using UserSystem.Server.Domain;
using UserSystem.Server.Storage.Postgres;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Storage;

/// <summary>
/// Every filter of a keyset page has an index the planner picks, on a database whose collation is
/// not C (where an index in the default collation cannot serve a prefix), even once PostgreSQL
/// plans the store's prepared statements for any value: the planner is asked about the store's
/// own statements, with a filter that matches only the newest users. A prefix page reads at most
/// the users a primary-key walk of <see cref="PostgresUserFilters.WalkRows"/> passes plus the
/// users that match, even where the statistics make a filtered walk of the whole primary key look
/// cheapest: the newest tenth of the users (ids 18,001-20,000) are the only ones whose email starts
/// with "new" and whose name starts with "New".
/// </summary>
public sealed class PostgresUserListPlanTests : IAsyncLifetime
{
    private NpgsqlConnection _connection = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync().DefaultTimeout();
        var name = $"test_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(server.AdminConnectionString))
        {
            await admin.OpenAsync().DefaultTimeout();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0 LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8';", admin);
            await create.ExecuteNonQueryAsync().DefaultTimeout();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = name }.ConnectionString;
        await using (var store = new PostgresUserStore(connectionString, TimeProvider.System))
        {
            await store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        }

        _connection = new NpgsqlConnection(connectionString);
        await _connection.OpenAsync().DefaultTimeout();
        await using var fill = new NpgsqlCommand("""
            INSERT INTO users (name, email, email_key, age, hobbies, status, created_at, updated_at)
            SELECT CASE WHEN i > 18000 THEN 'New User ' ELSE 'User ' END || i,
                   CASE WHEN i > 18000 THEN 'new' ELSE 'user' END || i || '@example.com',
                   CASE WHEN i > 18000 THEN 'NEW' ELSE 'USER' END || i || '@EXAMPLE.COM', 30, '{}',
                   CASE WHEN i % 100 = 0 THEN 2 ELSE 1 END, now(), now()
            FROM generate_series(1, 20000) AS i;
            """, _connection);
        await fill.ExecuteNonQueryAsync().DefaultTimeout();
        // Fresh statistics, and a visibility map for index-only scans (autovacuum would get there later).
        await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE users;", _connection);
        await vacuum.ExecuteNonQueryAsync().DefaultTimeout();
    }

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    [Theory]
    [InlineData(AccountStatus.Suspended, null, null, "users_status_id")]
    [InlineData(null, "user1999", null, "users_email_key")]
    [InlineData(null, null, "User 1999", "users_name_prefix")]
    public async Task KeysetPage_WithAFilter_SearchesItsIndex_EvenWherePreparedStatementsUseGenericPlans(
        AccountStatus? status, string? emailPrefix, string? namePrefix, string index)
    {
        var filter = new UserFilter(status, emailPrefix, namePrefix);
        // The listing prepared, as the store's statements are (Max Auto Prepare), in a session where
        // PostgreSQL plans prepared statements for any value: what it may settle on by itself.
        await using var batch = PostgresUserFilters.AddListAfter(new NpgsqlBatch(_connection), 0, 50, filter);
        var listing = batch.BatchCommands[^1];
        await using (var prepare = new NpgsqlCommand(listing.CommandText, _connection))
        {
            foreach (NpgsqlParameter parameter in listing.Parameters)
            {
                prepare.Parameters.Add(parameter.Clone());
            }

            await prepare.PrepareAsync().DefaultTimeout();
        }

        await using (var generic = new NpgsqlCommand("SET plan_cache_mode = force_generic_plan;", _connection))
        {
            await generic.ExecuteNonQueryAsync().DefaultTimeout();
        }

        // The store's own batch, with the listing run as EXPLAIN EXECUTE of that prepared statement.
        string name;
        await using (var find = new NpgsqlCommand("SELECT name FROM pg_prepared_statements ORDER BY prepare_time DESC LIMIT 1;", _connection))
        {
            name = (string)(await find.ExecuteScalarAsync().DefaultTimeout())!;
        }

        // EXECUTE takes its arguments as literals, in the order the parameters first appear.
        var arguments = System.Text.RegularExpressions.Regex.Matches(listing.CommandText, @"@(\w+)")
            .Select(match => match.Groups[1].Value).Distinct()
            .Select(parameter => listing.Parameters[parameter].Value is string text ? $"'{text}'" : $"{listing.Parameters[parameter].Value}");
        listing.CommandText = $"EXPLAIN EXECUTE {name}({string.Join(", ", arguments)});";
        listing.Parameters.Clear();
        var lines = new List<string>();
        await using (var reader = await batch.ExecuteReaderAsync().DefaultTimeout())
        {
            do
            {
                while (await reader.ReadAsync())
                {
                    lines.Add(reader.GetValue(0).ToString()!);
                }
            }
            while (await reader.NextResultAsync());
        }

        var plan = string.Join('\n', lines);
        Assert.Contains($"Index Scan using {index} on users", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("new", null)]
    [InlineData(null, "New ")]
    public async Task PrefixPage_MatchingOnlyTheNewestTenth_ReadsTheWalkAndTheMatchesNotTheTable(string? emailPrefix, string? namePrefix)
    {
        // With ORDER BY id LIMIT alone the planner expects one user in ten to match all along the
        // primary key, so it walks it from the start: 18,000 users read and filtered out here.
        var (ids, rowsRead) = await ExplainAnalyzeAsync(new UserFilter(null, emailPrefix, namePrefix), afterId: 0, limit: 51);

        Assert.Equal(Enumerable.Range(18_001, 51), ids);
        Assert.InRange(rowsRead, 1, PostgresUserFilters.WalkRows + 2_000 + 51);
    }

    [Theory]
    [InlineData("user", null)]
    [InlineData(null, "User ")]
    public async Task PrefixPage_MatchingMostUsers_ReadsOnlyTheWalk(string? emailPrefix, string? namePrefix)
    {
        // 18,000 matches: reading them all by the prefix index would be the slow plan here.
        var (ids, rowsRead) = await ExplainAnalyzeAsync(new UserFilter(null, emailPrefix, namePrefix), afterId: 5_000, limit: 51);

        Assert.Equal(Enumerable.Range(5_001, 51), ids);
        Assert.InRange(rowsRead, 1, PostgresUserFilters.WalkRows + 51);
    }

    [Fact]
    public async Task PrefixPage_NearTheEndOfTheTable_ReadsOnlyTheUsersLeft()
    {
        // The walk reaches the end of the table: it holds every match there is, so it is the page.
        var (ids, rowsRead) = await ExplainAnalyzeAsync(new UserFilter(null, "new", null), afterId: 19_990, limit: 51);

        Assert.Equal(Enumerable.Range(19_991, 10), ids);
        Assert.InRange(rowsRead, 1, 10 + 10);
    }

    [Theory]
    [InlineData(null, "new", null)]
    [InlineData(null, "user", "User ")]
    [InlineData(AccountStatus.Suspended, "new", null)]
    [InlineData(AccountStatus.Active, null, "User 1")]
    public async Task PrefixPages_FollowedToTheEnd_ListEveryMatchOnceInIdOrder(AccountStatus? status, string? emailPrefix, string? namePrefix)
    {
        // Pages that come from the walk, from the prefix index, and from both on the way.
        var filter = new UserFilter(status, emailPrefix, namePrefix);
        var listed = new List<int>();
        for (var after = 0; ;)
        {
            await using var batch = PostgresUserFilters.AddListAfter(new NpgsqlBatch(_connection), after, 51, filter);
            var page = await ReadLastResultAsync(batch, reader => reader.GetInt32(0));
            listed.AddRange(page);
            if (page.Count < 51)
            {
                break;
            }

            after = page[^1];
        }

        var expected = Enumerable.Range(1, 20_000).Where(i =>
            (status is null || (i % 100 == 0 ? AccountStatus.Suspended : AccountStatus.Active) == status)
            && (emailPrefix is null || $"{(i > 18_000 ? "new" : "user")}{i}@example.com".StartsWith(emailPrefix, StringComparison.Ordinal))
            && (namePrefix is null || $"{(i > 18_000 ? "New User " : "User ")}{i}".StartsWith(namePrefix, StringComparison.Ordinal)));
        Assert.Equal(expected, listed);
    }

    /// <summary>The store's batch, then the same with its listing under <c>EXPLAIN ANALYZE</c>: the page's ids, and the rows it read from users.</summary>
    private async Task<(List<int> Ids, long RowsRead)> ExplainAnalyzeAsync(UserFilter filter, int afterId, int limit)
    {
        await using var batch = PostgresUserFilters.AddListAfter(new NpgsqlBatch(_connection), afterId, limit, filter);
        var ids = await ReadLastResultAsync(batch, reader => reader.GetInt32(0));
        await using var explain = PostgresUserFilters.AddListAfter(new NpgsqlBatch(_connection), afterId, limit, filter);
        explain.BatchCommands[^1].CommandText = "EXPLAIN (ANALYZE, FORMAT JSON) " + explain.BatchCommands[^1].CommandText;
        var json = (await ReadLastResultAsync(explain, reader => reader.GetString(0))).Single();
        using var plan = System.Text.Json.JsonDocument.Parse(json);
        return (ids, RowsRead(plan.RootElement[0].GetProperty("Plan")));
    }

    private static async Task<List<T>> ReadLastResultAsync<T>(NpgsqlBatch batch, Func<NpgsqlDataReader, T> read)
    {
        var rows = new List<T>();
        await using var reader = await batch.ExecuteReaderAsync().DefaultTimeout();
        for (var result = 1; result < batch.BatchCommands.Count; result++)
        {
            await reader.NextResultAsync().DefaultTimeout();
        }

        while (await reader.ReadAsync().DefaultTimeout())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    // Every row a node on users produced or filtered out, over all its loops.
    private static long RowsRead(System.Text.Json.JsonElement node)
    {
        long rows = 0;
        if (node.TryGetProperty("Relation Name", out var relation) && relation.GetString() == "users")
        {
            rows = (long)(Number(node, "Actual Rows") + Number(node, "Rows Removed by Filter") + Number(node, "Rows Removed by Index Recheck")) * (long)Number(node, "Actual Loops");
        }

        if (node.TryGetProperty("Plans", out var children))
        {
            rows += children.EnumerateArray().Sum(RowsRead);
        }

        return rows;

        static double Number(System.Text.Json.JsonElement node, string name) =>
            node.TryGetProperty(name, out var value) ? value.GetDouble() : 0;
    }

    [Fact]
    public async Task SeedPage_SkipsOnlyInsideTheBlockItsOffsetFallsIn()
    {
        // Offset 19,990 falls in the third block of ids (16,384-24,575): 3,607 entries to skip
        // there, where skipping in the whole primary key would pass 19,990.
        await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + PostgresUserStore.SeedPageSql, _connection)
        {
            Parameters = { new NpgsqlParameter<long>("offset", 19_990), new NpgsqlParameter<int>("limit", 10) },
        };

        using var plan = System.Text.Json.JsonDocument.Parse((await ReadPlanAsync(explain)).Trim());

        var skip = Nodes(plan.RootElement[0].GetProperty("Plan")).Single(node => node.GetProperty("Node Type").GetString() == "Index Only Scan");
        Assert.Equal("users_pkey", skip.GetProperty("Index Name").GetString());
        Assert.Equal(3_608, skip.GetProperty("Actual Rows").GetInt32());
        Assert.InRange(RowsRead(plan.RootElement[0].GetProperty("Plan")), 1, 3_608 + 10);

        static IEnumerable<System.Text.Json.JsonElement> Nodes(System.Text.Json.JsonElement node) =>
            node.TryGetProperty("Plans", out var children) ? children.EnumerateArray().SelectMany(Nodes).Prepend(node) : [node];
    }

    private static async Task<string> ReadPlanAsync(NpgsqlCommand command)
    {
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync().DefaultTimeout();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }
}
