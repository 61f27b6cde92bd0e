using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using UserSystem.Server.Domain;
using UserSystem.Server.Storage;
using UserSystem.Server.Storage.Sqlite;
using UserSystem.Testing;
using UserSystem.Validation;

namespace UserSystem.Server.Tests.Storage;

/// <summary>
/// Many watchers over one <see cref="EventTail"/>, on a real SQLite store: every watcher gets
/// every event once and in order, a watcher behind the window catches up from the table, the
/// live events are read from the table once per commit, not once per watcher, and a failed read
/// of the tail sends the watchers back to the table without losing an event.
/// </summary>
public sealed class EventTailTests : IAsyncLifetime
{
    private const int Watchers = 100;
    private const int Commits = 10;
    private readonly TempDirectory _directory = new();
    private readonly CancellationTokenSource _stop = new();
    private SqliteUserStore _sqlite = null!;
    private IUserStore _store = null!;
    private EventTail _tail = null!;
    private int _created;

    public async Task InitializeAsync()
    {
        _sqlite = new SqliteUserStore(_directory.File("users.db"), TimeProvider.System);
        await _sqlite.InitializeAsync(CancellationToken.None);
        _store = FailingReads.Wrap(_sqlite);
        _tail = new EventTail(_store, TimeProvider.System, NullLogger<EventTail>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _tail.DisposeAsync();
        await _sqlite.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
        _stop.Dispose();
    }

    [Fact]
    public async Task TailStartedByAWatchersCall_ReadsOutsideThatCallsTrace()
    {
        // The first watcher starts the reading from inside its call; the reading outlives the call.
        using (new Activity("a-watchers-call").Start())
        {
            using var follower = _tail.Follow();
            await Poll.UntilAsync(() => FailingReads.EventReads(_store) > 0).DefaultTimeout();
        }

        Assert.Null(FailingReads.LastReadActivity(_store));
    }

    [Fact]
    public async Task ManyWatchersFromNowAndOneFromTheStart_EveryWatcherGetsEveryEventOnceInOrder()
    {
        await CreateUsersAsync(3);
        var start = (await _store.GetEventLogEndAsync(CancellationToken.None)).Readable;
        var watchers = Enumerable.Range(0, Watchers).Select(_ => Watch(start)).Append(Watch(0)).ToArray();

        await CreateUsersAsync(Commits);

        await Poll.UntilAsync(() => watchers[..^1].All(watcher => watcher.Count >= Commits) && watchers[^1].Count >= Commits + 3).DefaultTimeout();
        var expected = (await _store.ReadEventsAsync(0, 100, CancellationToken.None)).Select(change => change.Sequence).ToArray();
        Assert.Equal(Commits + 3, expected.Length);
        Assert.All(watchers[..^1], watcher => Assert.Equal(expected[3..], watcher.Sequences()));
        Assert.Equal(expected, watchers[^1].Sequences());
    }

    [Fact]
    public async Task ManyWatchersAtTheTail_TheTableIsReadOncePerCommitNotOncePerWatcher()
    {
        var start = (await _store.GetEventLogEndAsync(CancellationToken.None)).Readable;
        var watchers = Enumerable.Range(0, Watchers).Select(_ => Watch(start)).ToArray();
        // Each watcher's first step reads the table; after the first event all of them are at the tail.
        await CreateUsersAsync(1);
        await Poll.UntilAsync(() => watchers.All(watcher => watcher.Count == 1)).DefaultTimeout();
        var readsBefore = FailingReads.EventReads(_store);

        for (var i = 0; i < Commits; i++)
        {
            await CreateUsersAsync(1);
            await Poll.UntilAsync(() => watchers.All(watcher => watcher.Count == i + 2)).DefaultTimeout();
        }

        // One read per commit wakes the tail (and at most one more per commit for a wake-up that
        // found nothing new yet); a read per watcher would be Watchers * Commits.
        Assert.InRange(FailingReads.EventReads(_store) - readsBefore, Commits, 2 * Commits);
    }

    [Fact]
    public async Task TheTailsReadFails_WatchersReadTheTableAndMissNothing()
    {
        var start = (await _store.GetEventLogEndAsync(CancellationToken.None)).Readable;
        var watchers = Enumerable.Range(0, Watchers).Select(_ => Watch(start)).ToArray();
        await CreateUsersAsync(1);
        await Poll.UntilAsync(() => watchers.All(watcher => watcher.Count == 1)).DefaultTimeout();

        // Only the tail reads now: its next read fails, and it stops serving until it starts again.
        FailingReads.FailNextRead(_store);
        await CreateUsersAsync(Commits);

        await Poll.UntilAsync(() => watchers.All(watcher => watcher.Count >= Commits + 1)).DefaultTimeout();
        var expected = (await _store.ReadEventsAsync(0, 100, CancellationToken.None)).Select(change => change.Sequence).ToArray();
        Assert.False(FailingReads.FailurePending(_store));
        Assert.All(watchers, watcher => Assert.Equal(expected, watcher.Sequences()));
    }

    private async Task CreateUsersAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var number = Interlocked.Increment(ref _created);
            await _store.CreateAsync(new NewUser($"Watched {number}", $"watched{number}@example.com", 30, []), ChangeContext.None, null, CancellationToken.None);
        }
    }

    private RecordingWatcher Watch(long after) => new(_store.FollowEventsAsync(after, TimeProvider.System, _tail, _stop.Token));

    private sealed class RecordingWatcher
    {
        private readonly List<long> _sequences = [];

        public RecordingWatcher(IAsyncEnumerable<UserEvent> events) => _ = ReadAsync(events);

        public int Count
        {
            get
            {
                lock (_sequences)
                {
                    return _sequences.Count;
                }
            }
        }

        public long[] Sequences()
        {
            lock (_sequences)
            {
                return [.. _sequences];
            }
        }

        private async Task ReadAsync(IAsyncEnumerable<UserEvent> events)
        {
            try
            {
                await foreach (var change in events)
                {
                    lock (_sequences)
                    {
                        _sequences.Add(change.Sequence);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The test has ended.
            }
        }
    }
}
