using Npgsql;
using UserSystem.Server.Domain;
using UserSystem.Server.Storage.Postgres;
using UserSystem.Testing;
using UserSystem.Validation;

namespace UserSystem.Server.Tests.Storage;

/// <summary>
/// The PostgreSQL notices between two stores on one database (two instances): a change commits
/// through the writer and the listener's subscriber hears the user's id; a cut listening
/// connection is reported, and listening again too.
/// </summary>
public sealed class PostgresChangeNoticeTests : IAsyncLifetime
{
    private readonly NoticeRecorder _heard = new();
    private string _connectionString = "";
    private PostgresDataSources _sources = null!;
    private PostgresUserStore _listener = null!;
    private PostgresUserStore _writer = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await (await PostgresServer.GetAsync().DefaultTimeout()).CreateDatabaseAsync();
        _sources = PostgresDataSources.Create(_connectionString);
        _listener = new PostgresUserStore(_sources, TimeProvider.System, noticeSubscribers: [_heard]);
        _writer = new PostgresUserStore(_connectionString, TimeProvider.System);
        await _listener.InitializeAsync(CancellationToken.None).DefaultTimeout();
        // The listener starts with the first wait, as the feed follower's.
        await _listener.WaitForEventsAsync(0, TimeSpan.FromMilliseconds(10), CancellationToken.None).DefaultTimeout();
        await _heard.WaitForAsync("listening").DefaultTimeout();
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync().AsTask().DefaultTimeout();
        await _listener.DisposeAsync().AsTask().DefaultTimeout();
        await _sources.DisposeAsync().AsTask().DefaultTimeout();
    }

    [Fact]
    public async Task ChangesThroughAnotherInstance_AreHeardByUserId_CreatesAreNot()
    {
        var created = await _writer.CreateAsync(new NewUser("Noticed", Users.UniqueEmail(), 30, []), CancellationToken.None).DefaultTimeout();
        var other = await _writer.CreateAsync(new NewUser("Deleted", Users.UniqueEmail(), 30, []), CancellationToken.None).DefaultTimeout();

        await _writer.SetStatusAsync(created.Id, AccountStatus.Suspended, null, ChangeContext.None, CancellationToken.None).DefaultTimeout();
        await _writer.DeleteAsync(other.Id, null, ChangeContext.None, CancellationToken.None).DefaultTimeout();

        await _heard.WaitForAsync($"changed {created.Id}").DefaultTimeout();
        await _heard.WaitForAsync($"changed {other.Id}").DefaultTimeout();
        Assert.DoesNotContain(_heard.Events, e => e == "everything");
    }

    [Fact]
    public async Task ListeningConnectionCut_IsReported_ThenListeningAgain()
    {
        _heard.Clear();
        await using (var admin = new NpgsqlConnection(_connectionString))
        {
            await admin.OpenAsync().DefaultTimeout();
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'user-system-listener';", admin);
            Assert.True((long)(await kill.ExecuteScalarAsync().DefaultTimeout())! >= 1);
        }

        await _heard.WaitForAsync("listening").DefaultTimeout();
        var events = _heard.Events;
        var cut = events.IndexOf("not listening");
        Assert.True(cut >= 0 && cut < events.IndexOf("listening"), string.Join(", ", events));
    }
}
