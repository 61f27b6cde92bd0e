using Grpc.Core;

namespace UserSystem.Server.Rpc;

/// <summary>Why the server ended a stream.</summary>
public enum StreamEnd
{
    Shutdown,
    MaxDuration,
}

/// <summary>
/// A streaming call's commit point. The server ends a stream (shutdown, the stream-duration cap)
/// by cancelling the call's token, but not while the call is committing: a batch whose input is
/// complete commits and answers its result, a chat's item in flight is stored and answered.
/// An end that arrives meanwhile waits: for a chat it takes effect once the item is answered;
/// a batch commits once, so it runs to its answer. Either the end or the commit wins, never both,
/// so an answer saying "nothing was stored, retry" is only given when that is true. The answer in
/// flight gets a bounded time once an end is waiting (<see cref="CommitScope.AnswerToken"/>): a
/// client that stopped reading cannot hold the call open past the end by never taking it.
/// </summary>
public sealed class StreamCommitPoint : IDisposable
{
    private static readonly object Key = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _call;
    private readonly CancellationTokenSource _answer;
    private readonly TimeSpan _answerGrace;
    private bool _committing;
    private StreamEnd? _end;
    private bool _ended;

    private StreamCommitPoint(CancellationTokenSource call, TimeSpan answerGrace)
    {
        _call = call;
        _answer = CancellationTokenSource.CreateLinkedTokenSource(call.Token);
        _answerGrace = answerGrace;
    }

    /// <summary>The reason the server ended the call, once it has.</summary>
    public StreamEnd? EndedBy
    {
        get
        {
            lock (_gate)
            {
                return _ended ? _end : null;
            }
        }
    }

    /// <summary>Commits on this call that were marked <see cref="CommitScope.Complete"/> (a chat's answered users).</summary>
    public int Completed { get; private set; }

    /// <summary>
    /// Attaches a commit point to a streaming call; <paramref name="call"/> is cancelled when the server
    /// ends it. An answer in flight when the server ends the call gets <paramref name="answerGrace"/>.
    /// </summary>
    public static StreamCommitPoint Attach(ServerCallContext context, CancellationTokenSource call, TimeSpan answerGrace)
    {
        var point = new StreamCommitPoint(call, answerGrace);
        context.UserState[Key] = point;
        return point;
    }

    /// <summary>
    /// Enters the call's commit point: from here to <see cref="IDisposable.Dispose"/> the server does
    /// not end the call. Throws <see cref="OperationCanceledException"/> when it already has. A call
    /// without a commit point (unary, or a context outside the pipeline) gets a scope that does nothing.
    /// </summary>
    public static CommitScope Enter(ServerCallContext context)
    {
        var point = Of(context);
        point?.EnterOrThrow();
        return new CommitScope(point, point?._answer.Token ?? context.CancellationToken);
    }

    /// <summary>
    /// <paramref name="items"/>, then, once they have all been read (a batch's input is complete),
    /// the call enters its commit point for good: the server no longer ends it, it commits and is
    /// answered. When the server ended it first, the read ends with <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async IAsyncEnumerable<T> CommitAtEnd<T>(IAsyncEnumerable<T> items, ServerCallContext context)
    {
        await foreach (var item in items)
        {
            yield return item;
        }

        Of(context)?.EnterOrThrow();
    }

    private static StreamCommitPoint? Of(ServerCallContext context) =>
        context.UserState.TryGetValue(Key, out var value) ? value as StreamCommitPoint : null;

    private void EnterOrThrow()
    {
        lock (_gate)
        {
            if (!_ended)
            {
                _committing = true;
                return;
            }
        }

        throw new OperationCanceledException(_call.Token);
    }

    /// <summary>Ends the call now, or as soon as its commit in flight is done.</summary>
    public void End(StreamEnd reason)
    {
        bool endsNow;
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _end ??= reason;
            endsNow = _ended = !_committing;
        }

        if (endsNow)
        {
            _call.Cancel();
        }
        else
        {
            _answer.CancelAfter(_answerGrace);
        }
    }

    private void Leave(bool completed)
    {
        lock (_gate)
        {
            _committing = false;
            if (completed)
            {
                Completed++;
            }

            if (_end is null)
            {
                return;
            }

            _ended = true;
        }

        _call.Cancel();
    }

    public void Dispose() => _answer.Dispose();

    /// <summary>One commit in flight; <see cref="Complete"/> once it is stored and answered, then dispose.</summary>
    public sealed class CommitScope : IDisposable
    {
        private readonly StreamCommitPoint? _point;
        private bool _completed;
        private bool _disposed;

        internal CommitScope(StreamCommitPoint? point, CancellationToken answerToken)
        {
            _point = point;
            AnswerToken = answerToken;
        }

        /// <summary>
        /// For sending the answer: the caller's cancellation, and the answer's grace once the server
        /// has ended the call meanwhile. Cancelled, the call ends with the server's reason.
        /// </summary>
        public CancellationToken AnswerToken { get; }

        public void Complete() => _completed = true;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                _point?.Leave(_completed);
            }
        }
    }
}
