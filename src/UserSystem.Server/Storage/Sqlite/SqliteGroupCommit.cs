using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace UserSystem.Server.Storage.Sqlite;

/// <summary>
/// Group commit: one writer takes the writes that are waiting in its queue and runs them in one
/// transaction, each inside its own savepoint, so one write that fails (a duplicate email, a
/// stale etag) rolls back alone and the others still commit. Every caller is answered only after
/// the commit, which is durable (<c>synchronous = FULL</c>): one fsync covers the whole group
/// instead of one per write. With a single caller a group is one write, as before.
/// </summary>
internal sealed class SqliteGroupCommit : IAsyncDisposable
{
    // Bounds how long the first write of a group waits for the last; larger groups gain little.
    private const int MaxGroupSize = 256;

    private readonly Channel<SqliteQueuedWrite> _queue = Channel.CreateUnbounded<SqliteQueuedWrite>(
        new UnboundedChannelOptions { SingleReader = true });

    // Held by the writer for each group, and by anything else that writes (a batch's final
    // insert), so they queue in process instead of polling SQLite's busy handler.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Func<CancellationToken, Task<SqliteConnection>> _open;
    private readonly string _path;
    private readonly Action _committed;
    private readonly Task _writer;
    private SqliteWriteContext? _context;

    /// <param name="open">Opens a connection with the store's pragmas.</param>
    /// <param name="path">The database file; a group never writes to a file that has gone.</param>
    /// <param name="committed">Called after every commit (wakes watchers).</param>
    public SqliteGroupCommit(Func<CancellationToken, Task<SqliteConnection>> open, string path, Action committed)
    {
        _open = open;
        _path = path;
        _committed = committed;
        _writer = Task.Run(RunAsync);
    }

    /// <summary>Queues <paramref name="write"/>; the task completes after its group has committed.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteWriteContext, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        var queued = new SqliteQueuedWrite<T>(write, cancellationToken);
        return _queue.Writer.TryWrite(queued)
            ? queued.Answer
            : Task.FromException<T>(new ObjectDisposedException(nameof(SqliteUserStore), "The store is shutting down."));
    }

    /// <summary>Runs a write outside the queue (on its own connection) while no group is writing.</summary>
    public async Task<T> ExclusiveAsync<T>(Func<Task<T>> write, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            return await write();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
        if (_context is not null)
        {
            await _context.DisposeAsync();
        }

        _writeLock.Dispose();
    }

    private async Task RunAsync()
    {
        var group = new List<SqliteQueuedWrite>(MaxGroupSize);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (group.Count < MaxGroupSize && _queue.Reader.TryRead(out var write))
            {
                group.Add(write);
            }

            await _writeLock.WaitAsync();
            try
            {
                await CommitGroupAsync(group);
            }
            finally
            {
                _writeLock.Release();
                group.Clear();
            }
        }
    }

    private async Task CommitGroupAsync(List<SqliteQueuedWrite> group)
    {
        try
        {
            var context = await ContextAsync();
            await context.ExecuteAsync("BEGIN IMMEDIATE;", CancellationToken.None);
            try
            {
                foreach (var write in group)
                {
                    await RunInSavepointAsync(context, write);
                }

                await context.ExecuteAsync("COMMIT;", CancellationToken.None);
            }
            catch
            {
                await RollBackQuietlyAsync(context);
                throw;
            }
        }
        catch (Exception exception)
        {
            // The transaction failed as a whole (disk, lock timeout, file gone): nothing of the
            // group is stored, and the connection may be unusable.
            await DropContextAsync();
            foreach (var write in group)
            {
                write.Abandon(exception);
            }

            return;
        }

        foreach (var write in group)
        {
            write.Complete();
        }

        _committed();
    }

    private static async Task RunInSavepointAsync(SqliteWriteContext context, SqliteQueuedWrite write)
    {
        await context.ExecuteAsync("SAVEPOINT write;", CancellationToken.None);
        try
        {
            await write.RunAsync(context);
        }
        catch (Exception exception)
        {
            // If this rollback fails too, the transaction is broken: the group fails as a whole.
            await context.ExecuteAsync("ROLLBACK TO write;", CancellationToken.None);
            write.Fail(exception);
        }

        await context.ExecuteAsync("RELEASE write;", CancellationToken.None);
    }

    private async Task<SqliteWriteContext> ContextAsync()
    {
        // A pooled connection would keep writing to a deleted file's inode: acknowledged writes
        // that no restart would find. Reopen instead, which fails once the file is gone.
        if (_context is not null && !File.Exists(_path))
        {
            await DropContextAsync();
        }

        return _context ??= new SqliteWriteContext(await _open(CancellationToken.None));
    }

    private async Task DropContextAsync()
    {
        if (_context is not null)
        {
            var context = _context;
            _context = null;
            await context.DisposeAsync();
        }
    }

    private static async Task RollBackQuietlyAsync(SqliteWriteContext context)
    {
        try
        {
            await context.ExecuteAsync("ROLLBACK;", CancellationToken.None);
        }
        catch (SqliteException)
        {
            // No transaction left to roll back (SQLite already did), or the connection is gone.
        }
    }
}
