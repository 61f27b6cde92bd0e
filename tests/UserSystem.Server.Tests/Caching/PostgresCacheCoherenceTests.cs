using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using UserSystem.Contracts;
using UserSystem.Server.Domain;
using UserSystem.Server.Storage;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Caching;

/// <summary>
/// Coherence on one PostgreSQL, two instances: a change reaches the other instance's cache as
/// it commits (the notice names the user), while a <c>CreateBatchUsers</c> held open holds the
/// ordered feed back; and a listener that reconnects leaves nothing it may have missed trusted.
/// </summary>
public sealed class PostgresCacheCoherenceTests : IAsyncLifetime
{
    private const int HeldBatchItems = 300; // enough for the COPY to reach the server (and draw a transaction id)

    private static readonly TimeSpan HeldFor = TimeSpan.FromSeconds(20);

    // The rule under test: once B has answered, A serves the change within this budget.
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    private string _connectionString = "";
    private TestServer _a = null!;
    private TestServer _b = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await (await PostgresServer.GetAsync().DefaultTimeout()).CreateDatabaseAsync();
        string[] settings = ["Storage:Provider=Postgres", $"ConnectionStrings:Postgres={_connectionString}"];
        // One after the other: the first start creates the schema.
        _a = await TestServer.StartAsync("unused-by-postgres.db", settings);
        _b = await TestServer.StartAsync("unused-by-postgres.db", settings);
        await CacheProbe.WaitUntilTrustedAsync(_a);
        await CacheProbe.WaitUntilTrustedAsync(_b);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task SuspendThroughB_WhileABatchIsHeldOpenOnA_IsRefusedByAWithinOneSecond()
    {
        var user = await CreateCachedOnBothAsync("Suspended during a batch");
        var heldUntil = DateTime.UtcNow + HeldFor;
        using var batch = _a.Client.CreateBatchUsers(deadline: DateTime.UtcNow.AddMinutes(2));
        for (var item = 0; item < HeldBatchItems; item++)
        {
            await batch.RequestStream.WriteAsync(Users.NewRequest($"Held {item}")).DefaultTimeout();
        }

        await WaitUntilBatchHoldsTheFeedAsync().DefaultTimeout();

        await _b.Client.SetUserStatusAsync(new SetUserStatusRequest { Id = user.Id, Status = UserStatus.Suspended }).ResponseAsync.DefaultTimeout();

        var onA = await CacheProbe.EventuallyAsync(() => CacheProbe.StatusOfGetUserAsync(_a, user.Id), code => code == StatusCode.PermissionDenied, Budget);
        Assert.Equal(StatusCode.PermissionDenied, onA);
        // It came ahead of the ordered feed, which the batch still holds back.
        Assert.True(await BatchHoldsTheFeedAsync().DefaultTimeout(), "the batch's transaction was still open");
        Assert.True(
            _a.Services.GetRequiredService<ChangeFeedFollower>().DeliveredThrough < await NewestEventOfAsync(user.Id).DefaultTimeout(),
            "A's change feed had not delivered the suspension yet");

        // The batch stays open for its 20 s, its client sending slowly; A keeps refusing the user.
        var sent = HeldBatchItems;
        while (DateTime.UtcNow < heldUntil)
        {
            await batch.RequestStream.WriteAsync(Users.NewRequest($"Held {sent++}")).DefaultTimeout();
            Assert.Equal(StatusCode.PermissionDenied, await CacheProbe.StatusOfGetUserAsync(_a, user.Id).DefaultTimeout());
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Assert.True(await BatchHoldsTheFeedAsync().DefaultTimeout(), "the batch was held open for its whole time");
        await batch.RequestStream.CompleteAsync().DefaultTimeout();
        Assert.Equal(sent, (await batch.ResponseAsync.DefaultTimeout()).CreatedCount);
    }

    [Fact]
    public async Task ChangeNoNoticeAnnounced_IsNotServedFromTheCache_OnceTheListenerHasReconnected()
    {
        var user = await CreateCachedOnBothAsync("Changed behind the notices");
        // A change that commits with no notice: what a listener that is down misses (or what a
        // writer that crashes between its commit and its notification leaves). It writes no event,
        // so the feed never reports it either.
        await ExecuteAsync($"UPDATE users SET status = {(int)AccountStatus.Suspended}, version = version + 1 WHERE id = {user.Id};").DefaultTimeout();
        Assert.NotNull(await CacheProbe.ServedEntryAsync(_b, user.Id)); // unheard of: still served

        var dropped = await TerminateListenerConnectionsAsync().DefaultTimeout();
        Assert.NotEmpty(dropped);
        // Both instances listen again, on new connections.
        await WaitForNewListenersAsync(dropped).DefaultTimeout();
        await CacheProbe.WaitUntilTrustedAsync(_b);

        Assert.Null(await CacheProbe.ServedEntryAsync(_b, user.Id));
        Assert.Equal(StatusCode.PermissionDenied, await CacheProbe.StatusOfGetUserAsync(_b, user.Id).DefaultTimeout());
    }

    private async Task<Contracts.User> CreateCachedOnBothAsync(string name)
    {
        var user = (await _a.Client.CreateUserAsync(Users.NewRequest(name)).ResponseAsync.DefaultTimeout()).User;
        foreach (var server in new[] { _a, _b })
        {
            await server.Client.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync.DefaultTimeout();
            Assert.NotNull(await CacheProbe.ServedEntryAsync(server, user.Id));
        }

        return user;
    }

    private async Task WaitForNewListenersAsync(int[] dropped)
    {
        while ((await ListenerConnectionsAsync()).Except(dropped).Count() < 2)
        {
            await Task.Delay(50);
        }
    }

    private async Task WaitUntilBatchHoldsTheFeedAsync()
    {
        while (!await BatchHoldsTheFeedAsync())
        {
            await Task.Delay(50);
        }
    }

    // The batch's COPY runs in a transaction with an id: every newer event waits behind it.
    private async Task<bool> BatchHoldsTheFeedAsync() =>
        (bool)(await ScalarAsync(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL AND query LIKE 'COPY users%');"))!;

    private async Task<long> NewestEventOfAsync(int userId) =>
        (long)(await ScalarAsync($"SELECT max(sequence) FROM user_events WHERE user_id = {userId};"))!;

    // Materialized first, so the terminations apply to those rows only, not to whatever the planner tries first.
    private async Task<int[]> TerminateListenerConnectionsAsync() => await PidsAsync("""
        WITH listeners AS MATERIALIZED (
            SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'user-system-listener')
        SELECT pid FROM listeners WHERE pg_terminate_backend(pid);
        """);

    private async Task<int[]> ListenerConnectionsAsync() =>
        await PidsAsync("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'user-system-listener';");

    private async Task<int[]> PidsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var pids = new List<int>();
        while (await reader.ReadAsync())
        {
            pids.Add(reader.GetInt32(0));
        }

        return [.. pids];
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
