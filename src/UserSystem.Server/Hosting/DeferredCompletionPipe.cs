using System.IO.Pipelines;

namespace UserSystem.Server.Hosting;

/// <summary>
/// A connection's transport as Kestrel's HTTP layer sees it, except that a graceful completion of
/// either side is ignored: the socket stays open for <see cref="LingeringCloseMiddleware"/>
/// to close it properly. A completion with an error (an abort) is passed on at once.
/// </summary>
internal sealed class DeferredCompletionPipe(IDuplexPipe transport) : IDuplexPipe
{
    public PipeReader Input { get; } = new DeferredReader(transport.Input);

    public PipeWriter Output { get; } = new DeferredWriter(transport.Output);

    private sealed class DeferredReader(PipeReader inner) : PipeReader
    {
        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null)
        {
            if (exception is not null)
            {
                inner.Complete(exception);
            }
        }

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) => inner.ReadAsync(cancellationToken);

        public override bool TryRead(out ReadResult result) => inner.TryRead(out result);
    }

    private sealed class DeferredWriter(PipeWriter inner) : PipeWriter
    {
        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null)
        {
            if (exception is not null)
            {
                inner.Complete(exception);
            }
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default) => inner.WriteAsync(source, cancellationToken);
    }
}
