using Npgsql;
using NpgsqlTypes;
using UserSystem.Server.Hosting;

namespace UserSystem.Server.Storage.Postgres;

/// <summary>
/// Announces commits: at once in this process, and to every instance through <c>pg_notify</c>
/// sent on a connection of its own, after the commit and outside any write transaction.
/// Commits that happen while a notification is on its way share the next one, so writers never
/// queue on PostgreSQL's notify lock. The notifications name the users changed
/// (<see cref="ChangeNotice"/>), and each instance's listener hands them to its
/// <see cref="IChangeNoticeSubscriber"/>s as they arrive, ahead of the ordered feed; for watchers
/// they stay a wake-up hint (they re-read the events table, so a lost one costs latency, never
/// events). Our own notifications wake nobody here: this process was woken at its commits.
/// </summary>
/// <remarks>
/// A subscriber is told when notices may be missed: until the first <c>LISTEN</c>, and from a
/// failure of the listening connection until it listens again. A connection that dies silently
/// is found by a probe on it every <see cref="ProbeInterval"/> without a message, answered within
/// <see cref="ProbeTimeoutSeconds"/>. A notification that fails to go out is sent again once
/// the sending connection is back.
/// </remarks>
internal sealed class PostgresChangeNotifier : IAsyncDisposable
{
    /// <summary>The channel every instance listens on; a notification means "re-read the events table".</summary>
    public const string Channel = "user_events";

    /// <summary>How long the listening connection may stay silent before it is probed.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long a probe may take before the connection counts as lost (Npgsql counts in whole seconds).</summary>
    public const int ProbeTimeoutSeconds = 2;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly NpgsqlDataSource _source;
    private readonly IChangeNoticeSubscriber[] _subscribers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChangeSignal _local = new();
    private readonly PendingChanges _changes = new();
    private readonly SemaphoreSlim _pending = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _listener;
    private Task? _sender;

    // The backend of our own sending connection: its notifications echo back to our listener, and
    // this process's watchers were woken at those commits already.
    private int _senderProcessId;

    public PostgresChangeNotifier(NpgsqlDataSource unpooledSource, IEnumerable<IChangeNoticeSubscriber> subscribers, TimeProvider time, ILogger logger)
    {
        _source = unpooledSource;
        _subscribers = [.. subscribers];
        _time = time;
        _logger = logger;
        foreach (var subscriber in _subscribers)
        {
            subscriber.NotListening();
        }
    }

    /// <summary>
    /// Starts listening now when someone subscribed to notices (the user cache): they must hear
    /// of changes whether or not a watcher ever waits on <see cref="Next"/>.
    /// </summary>
    public void ListenForSubscribers()
    {
        if (_subscribers.Length > 0)
        {
            EnsureStarted(ref _listener, ListenAsync);
        }
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

    /// <summary>Called after a commit that changed an existing user: as <see cref="Committed()"/>, naming the user.</summary>
    public void Committed(int changedUserId)
    {
        _changes.Add(changedUserId);
        Committed();
    }

    /// <summary>Called after a commit: wakes local watchers now and schedules one notification for the others.</summary>
    public void Committed()
    {
        _local.Pulse();
        Schedule();
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

    private void Schedule()
    {
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

    private void EnsureStarted(ref Task? task, Func<CancellationToken, Task> loop)
    {
        if (Volatile.Read(ref task) is not null)
        {
            return;
        }

        lock (_gate)
        {
            task ??= DetachedTask.Run(() => loop(_stopping.Token));
        }
    }

    private async Task SendAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var notice = ChangeNotice.None;
            try
            {
                await using var connection = await _source.OpenConnectionAsync(stopping);
                Volatile.Write(ref _senderProcessId, connection.ProcessID);
                // NOTIFY gives its transaction an id, so its commit would wait for a WAL flush like a
                // write's; a notice need not be durable (a lost one is covered by the feed).
                await using (var durability = new NpgsqlCommand("SET synchronous_commit = off;", connection))
                {
                    await durability.ExecuteNonQueryAsync(stopping);
                }

                await using var notify = new NpgsqlCommand($"SELECT pg_notify('{Channel}', payload) FROM unnest(@payloads) AS payload;", connection);
                var payloads = notify.Parameters.Add(new NpgsqlParameter("payloads", NpgsqlDbType.Array | NpgsqlDbType.Text));
                while (true)
                {
                    await _pending.WaitAsync(stopping);
                    notice = _changes.Take();
                    payloads.Value = notice.ToPayloads();
                    await notify.ExecuteNonQueryAsync(stopping);
                    notice = ChangeNotice.None;
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or IOException or TimeoutException)
            {
                // It may have gone out or not: send it again (with whatever came meanwhile) once back.
                _changes.Return(notice);
                Schedule();
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
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    await using var connection = await _source.OpenConnectionAsync(stopping);
                    connection.Notification += (_, notification) =>
                    {
                        // Our own echo is announced too: a process id is only unique on one node,
                        // and while a failover moves the connections it may name another
                        // instance's sender. Invalidating our own change again costs one re-read.
                        Announce(ChangeNotice.Parse(notification.Payload));
                        if (notification.PID != Volatile.Read(ref _senderProcessId))
                        {
                            _local.Pulse();
                        }
                    };
                    await using (var listen = new NpgsqlCommand($"LISTEN {Channel};", connection))
                    {
                        await listen.ExecuteNonQueryAsync(stopping);
                    }

                    // Whatever was committed while we were not listening: subscribers start afresh,
                    // watchers find it by re-reading.
                    foreach (var subscriber in _subscribers)
                    {
                        subscriber.Listening();
                    }

                    _local.Pulse();
                    PostgresLog.Listening(_logger, Channel);
                    await using var probe = new NpgsqlCommand("SELECT 1;", connection) { CommandTimeout = ProbeTimeoutSeconds };
                    while (true)
                    {
                        if (!await connection.WaitAsync(ProbeInterval, stopping))
                        {
                            await probe.ExecuteScalarAsync(stopping);
                        }
                    }
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception) when (exception is NpgsqlException or IOException or TimeoutException)
                {
                    // The database is away: notices are missed until we listen again (watchers keep
                    // polling the table meanwhile). Retry soon.
                    NotListening();
                    PostgresLog.ListenFailed(_logger, (int)RetryDelay.TotalSeconds, exception);
                    if (!await DelayAsync(stopping))
                    {
                        return;
                    }
                }
            }
        }
        finally
        {
            NotListening();
        }
    }

    private void Announce(ChangeNotice notice)
    {
        foreach (var subscriber in _subscribers)
        {
            if (notice.Everything)
            {
                subscriber.EverythingChanged();
            }
            else if (notice.UserIds.Count > 0)
            {
                subscriber.Changed(notice.UserIds);
            }
        }
    }

    private void NotListening()
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.NotListening();
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
