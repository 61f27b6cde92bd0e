using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using UserSystem.Server.Domain;
using UserSystem.Server.Storage;
using UserSystem.Server.Storage.Sqlite;
using UserSystem.Testing;
using UserSystem.Validation;

namespace UserSystem.Server.Tests.Storage;

/// <summary>
/// The one follower of the change feed per process, on a real SQLite store: every subscriber gets
/// every change in feed order, and a failed read makes it start again from "now", telling the
/// subscribers that changes made meanwhile were missed.
/// </summary>
public sealed class ChangeFeedFollowerTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private SqliteUserStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteUserStore(_directory.File("users.db"), TimeProvider.System);
        await _store.InitializeAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task Every_subscriber_gets_every_change_after_the_start_in_order()
    {
        await _store.CreateAsync(NewUser(), CancellationToken.None);
        var end = (await _store.GetEventLogEndAsync(CancellationToken.None)).Readable;
        var first = new RecordingSubscriber();
        var second = new RecordingSubscriber();
        var follower = new ChangeFeedFollower(_store, [first, second], TimeProvider.System, NullLogger<ChangeFeedFollower>.Instance);
        await follower.StartAsync(CancellationToken.None);
        try
        {
            await Poll.UntilAsync(() => first.Starts.Count == 1).DefaultTimeout();
            var created = await _store.CreateAsync(NewUser(), CancellationToken.None);
            await _store.SetStatusAsync(created.Id, AccountStatus.Suspended, null, ChangeContext.None, CancellationToken.None);
            await Poll.UntilAsync(() => second.Changes.Count == 2).DefaultTimeout();

            foreach (var subscriber in new[] { first, second })
            {
                Assert.Equal([(end, false)], subscriber.Starts);
                Assert.Equal([UserEventKind.Created, UserEventKind.StatusChanged], subscriber.Changes.Select(change => change.Kind));
                Assert.All(subscriber.Changes, change => Assert.Equal(created.Id, change.UserId));
            }

            // The position moves once every subscriber has had the page, a moment after the last one returns.
            await Poll.UntilAsync(() => follower.DeliveredThrough == first.Changes[^1].Sequence).DefaultTimeout();
            Assert.Equal(first.Changes[^1].Sequence, follower.DeliveredThrough);
        }
        finally
        {
            await follower.StopAsync(CancellationToken.None);
        }

        Assert.True(first.WasStopped);
        Assert.Null(first.Failure);
    }

    [Fact]
    public async Task A_failed_read_restarts_from_now_and_reports_the_gap()
    {
        var subscriber = new RecordingSubscriber();
        var failing = FailingReads.Wrap(_store);
        var follower = new ChangeFeedFollower(failing, [subscriber], TimeProvider.System, NullLogger<ChangeFeedFollower>.Instance);
        await follower.StartAsync(CancellationToken.None);
        try
        {
            await Poll.UntilAsync(() => subscriber.Starts.Count == 1).DefaultTimeout();
            FailingReads.FailNextRead(failing);
            await _store.CreateAsync(NewUser(), CancellationToken.None);
            await Poll.UntilAsync(() => subscriber.Starts.Count == 2).DefaultTimeout();

            Assert.Equal([false, true], subscriber.Starts.Select(start => start.AfterGap));
            Assert.IsType<InvalidOperationException>(subscriber.Failure);
            // The change made while the read failed is behind the restart point: not delivered, reported as a gap.
            Assert.Empty(subscriber.Changes);
            var after = await _store.CreateAsync(NewUser(), CancellationToken.None);
            await Poll.UntilAsync(() => subscriber.Changes.Count == 1).DefaultTimeout();
            Assert.Equal(after.Id, subscriber.Changes[0].UserId);
        }
        finally
        {
            await follower.StopAsync(CancellationToken.None);
        }
    }

    private static NewUser NewUser() => new("Feed User", Users.UniqueEmail("feed"), 30, []);

    private sealed class RecordingSubscriber : IChangeFeedSubscriber
    {
        private readonly Lock _lock = new();
        private readonly List<(long Position, bool AfterGap)> _starts = [];
        private readonly List<UserEvent> _changes = [];

        public IReadOnlyList<(long Position, bool AfterGap)> Starts
        {
            get { lock (_lock) { return [.. _starts]; } }
        }

        public IReadOnlyList<UserEvent> Changes
        {
            get { lock (_lock) { return [.. _changes]; } }
        }

        public bool WasStopped { get; private set; }

        public Exception? Failure { get; private set; }

        public void Following(long position, bool afterGap)
        {
            lock (_lock)
            {
                _starts.Add((position, afterGap));
            }
        }

        public void Stopped(Exception? failure)
        {
            WasStopped = true;
            Failure = failure;
        }

        public ValueTask OnChangesAsync(IReadOnlyList<UserEvent> changes)
        {
            lock (_lock)
            {
                _changes.AddRange(changes);
            }

            return ValueTask.CompletedTask;
        }
    }
}
