using UserSystem.Server.Hosting;

namespace UserSystem.Server.Storage;

/// <summary>
/// The newest events, read from the table once per commit for every <c>WatchUsers</c> stream in
/// this process. Each stream used to wake at every commit and read the table itself (two or three
/// queries per stream): at 1,000 watchers a commit cost about 0.2 s of the server's CPU
/// (bench/Watch). A stream reads the table on its own only while it is behind the window (a
/// resume from an older id, a client slower than <see cref="Capacity"/> events) or while the
/// tail cannot read (the database is away: the stream's own reconnect rules then apply). The
/// tail runs only while some stream follows it, so a server without watchers reads nothing
/// more per commit.
/// </summary>
public sealed class EventTail(IUserStore store, TimeProvider time, ILogger<EventTail> logger) : IAsyncDisposable, IDisposable
{
    /// <summary>How many of the newest events the window keeps.</summary>
    public const int Capacity = 4096;

    private const int PageSize = 500;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private TailWindow _window = TailWindow.Closed();
    private int _followers;
    private CancellationTokenSource? _running;
    private Task _reading = Task.CompletedTask;

    /// <summary>The window as read so far; <see cref="TailWindow.Grown"/> completes when a newer one replaces it.</summary>
    public TailWindow Current => Volatile.Read(ref _window);

    /// <summary>Counts a follower until disposed; the first starts the reading, the last stops it.</summary>
    public IDisposable Follow()
    {
        lock (_gate)
        {
            if (_followers++ == 0)
            {
                var running = _running = new CancellationTokenSource();
                _reading = Task.WhenAll(_reading, DetachedTask.Run(() => ReadAsync(running)));
            }
        }

        return new Follower(this);
    }

    /// <summary>Stops the reading and waits for it to end (the host disposes this way).</summary>
    public async ValueTask DisposeAsync() => await Stop();

    /// <summary>Stops the reading without waiting for it (for a container disposed synchronously).</summary>
    public void Dispose() => _ = Stop();

    private Task Stop()
    {
        lock (_gate)
        {
            _running?.Cancel();
            _running = null;
            Replace(TailWindow.Closed());
            return _reading;
        }
    }

    private void Unfollow()
    {
        lock (_gate)
        {
            if (--_followers == 0)
            {
                _running?.Cancel();
                _running = null;
                Replace(TailWindow.Closed());
            }
        }
    }

    private async Task ReadAsync(CancellationTokenSource running)
    {
        var stopping = running.Token;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    var window = TailWindow.Open((await store.GetEventLogEndAsync(stopping)).Readable);
                    Publish(running, window);
                    while (true)
                    {
                        var events = await store.ReadEventsAsync(window.Through, PageSize, stopping);
                        if (events.Count > 0)
                        {
                            window = window.Append(events, Capacity);
                            Publish(running, window);
                        }

                        if (events.Count < PageSize)
                        {
                            await store.WaitForEventsAsync(window.Through, UserEventFeed.PollInterval, stopping);
                        }
                    }
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception)
                {
                    // The streams read the table meanwhile; the next window starts at the log's end.
                    Publish(running, TailWindow.Closed());
                    StorageLog.EventTailFailed(logger, (int)RetryDelay.TotalSeconds, exception);
                    await Task.Delay(RetryDelay, time, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            running.Dispose();
        }
    }

    // A reading that the last follower has stopped no longer publishes.
    private void Publish(CancellationTokenSource running, TailWindow window)
    {
        lock (_gate)
        {
            if (_running == running)
            {
                Replace(window);
            }
        }
    }

    private void Replace(TailWindow window) => Interlocked.Exchange(ref _window, window).Grew();

    private sealed class Follower(EventTail tail) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                tail.Unfollow();
            }
        }
    }
}
