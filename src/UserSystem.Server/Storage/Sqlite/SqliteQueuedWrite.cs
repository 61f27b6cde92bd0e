namespace UserSystem.Server.Storage.Sqlite;

/// <summary>One caller's write waiting in the queue; its outcome is held until the group commits.</summary>
internal abstract class SqliteQueuedWrite(CancellationToken cancellationToken)
{
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Runs the write inside its savepoint; an exception rolls back only this write.</summary>
    public abstract Task RunAsync(SqliteWriteContext context);

    /// <summary>Records this write's own failure; the caller hears it once the group is done.</summary>
    public abstract void Fail(Exception exception);

    /// <summary>Answers the caller: the result, or this write's own failure.</summary>
    public abstract void Complete();

    /// <summary>The group's transaction failed as a whole: nothing of this write is stored.</summary>
    public abstract void Abandon(Exception exception);
}

internal sealed class SqliteQueuedWrite<T>(Func<SqliteWriteContext, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    : SqliteQueuedWrite(cancellationToken)
{
    // Continuations must not run on the writer's loop: it would wait for every caller's code.
    private readonly TaskCompletionSource<T> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;
    private Exception? _failure;

    public Task<T> Answer => _answer.Task;

    public override async Task RunAsync(SqliteWriteContext context)
    {
        CancellationToken.ThrowIfCancellationRequested();
        _result = await write(context, CancellationToken);
    }

    public override void Fail(Exception exception) => _failure = exception;

    public override void Complete()
    {
        if (_failure is OperationCanceledException)
        {
            _answer.TrySetCanceled(CancellationToken.IsCancellationRequested ? CancellationToken : default);
        }
        else if (_failure is not null)
        {
            _answer.TrySetException(_failure);
        }
        else
        {
            _answer.TrySetResult(_result!);
        }
    }

    public override void Abandon(Exception exception) => _answer.TrySetException(exception);
}
