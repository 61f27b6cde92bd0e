using Npgsql;

namespace UserSystem.Server.Storage.Postgres;

/// <summary>
/// Wakes watchers after commits: at once in this process, and in every instance through one
/// <c>pg_notify</c> sent on a connection of its own, after the commit and outside any write
/// transaction. Commits that happen while a notification is on its way share the next one, so
/// writers never queue on PostgreSQL's notify lock. Also turns other instances' notifications
/// into local wake-ups. A hint only: watchers re-read the events table, so a lost notification
/// costs latency, never events. Our own notifications are not turned into a second local wake-up.
/// </summary>
internal sealed class PostgresChangeNotifier : IAsyncDisposable
{
    /// <summary>The channel every instance listens on; a notification means "re-read the events table".</summary>
    public const string Channel = "user_events";

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly NpgsqlDataSource _source;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChangeSignal _local = new();
    private readonly SemaphoreSlim _pending = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _listener;
    private Task? _sender;

    // The backend of our own sending connection: its notifications echo back to our listener, and
    // this process was woken already when it committed.
    private int _senderProcessId;

    public PostgresChangeNotifier(NpgsqlDataSource unpooledSource, TimeProvider time, ILogger logger)
    {
        _source = unpooledSource;
        _time = time;
        _logger = logger;
    }

    /// <summary>Completes at the next local commit or notification from any instance.</summary>
    public Task Next
    {
        get
        {
            EnsureStarted(ref _listener, ListenAsync);
            return _local.Next;
        }
    }

    /// <summary>Called after a commit: wakes local watchers now and schedules one notification for the others.</summary>
    public void Committed()
    {
        _local.Pulse();
        EnsureStarted(ref _sender, SendAsync);
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // A notification is pending already; this commit rides along with it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var task in new[] { _listener, _sender })
        {
            if (task is not null)
            {
                await task;
            }
        }

        _stopping.Dispose();
        _pending.Dispose();
    }

    private void EnsureStarted(ref Task? task, Func<CancellationToken, Task> loop)
    {
        if (Volatile.Read(ref task) is not null)
        {
            return;
        }

        lock (_gate)
        {
            task ??= Task.Run(() => loop(_stopping.Token));
        }
    }

    private async Task SendAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _source.OpenConnectionAsync(stopping);
                Volatile.Write(ref _senderProcessId, connection.ProcessID);
                // NOTIFY gives its transaction an id, so its commit would wait for a WAL flush like a
                // write's; a hint need not be durable.
                await using (var durability = new NpgsqlCommand("SET synchronous_commit = off;", connection))
                {
                    await durability.ExecuteNonQueryAsync(stopping);
                }

                await using var notify = new NpgsqlCommand($"SELECT pg_notify('{Channel}', '');", connection);
                while (true)
                {
                    await _pending.WaitAsync(stopping);
                    await notify.ExecuteNonQueryAsync(stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or IOException or TimeoutException)
            {
                PostgresLog.NotifyFailed(_logger, (int)RetryDelay.TotalSeconds, exception);
                if (!await DelayAsync(stopping))
                {
                    return;
                }
            }
        }
    }

    private async Task ListenAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _source.OpenConnectionAsync(stopping);
                connection.Notification += (_, notification) =>
                {
                    if (notification.PID != Volatile.Read(ref _senderProcessId))
                    {
                        _local.Pulse();
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel};", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }

                // Whatever was committed while we were not listening is found by the re-read.
                _local.Pulse();
                PostgresLog.Listening(_logger, Channel);
                while (true)
                {
                    await connection.WaitAsync(stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or IOException or TimeoutException)
            {
                // The database is away; watchers keep polling the table meanwhile. Retry soon.
                PostgresLog.ListenFailed(_logger, (int)RetryDelay.TotalSeconds, exception);
                if (!await DelayAsync(stopping))
                {
                    return;
                }
            }
        }
    }

    private async Task<bool> DelayAsync(CancellationToken stopping)
    {
        try
        {
            await Task.Delay(RetryDelay, _time, stopping);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
