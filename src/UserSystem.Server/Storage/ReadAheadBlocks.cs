using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace UserSystem.Server.Storage;

/// <summary>Reads a stream in blocks on a task of its own, ahead of the consumer, so that reading the next items overlaps writing the last ones.</summary>
internal static class ReadAheadBlocks
{
    /// <summary>
    /// <paramref name="items"/> in blocks of <paramref name="blockSize"/> (the last one shorter), read
    /// at most <paramref name="blocksAhead"/> blocks ahead of the consumer, so memory stays bounded
    /// however long the stream. A failure of the read surfaces after every block read before it;
    /// a consumer that stops early stops the read.
    /// </summary>
    public static async IAsyncEnumerable<T[]> InBlocksReadAhead<T>(
        this IAsyncEnumerable<T> items, int blockSize, int blocksAhead, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var blocks = Channel.CreateBounded<T[]>(new BoundedChannelOptions(blocksAhead) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = Task.Run(() => ReadAsync(items, blockSize, blocks.Writer, stop.Token), CancellationToken.None);
        try
        {
            while (await blocks.Reader.WaitToReadAsync(cancellationToken))
            {
                while (blocks.Reader.TryRead(out var block))
                {
                    yield return block;
                }
            }

            await reading;
        }
        finally
        {
            await stop.CancelAsync();
            // Its failure has surfaced above, or the consumer's own ends the enumeration.
            await reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static async Task ReadAsync<T>(IAsyncEnumerable<T> items, int blockSize, ChannelWriter<T[]> blocks, CancellationToken cancellationToken)
    {
        try
        {
            var block = new T[blockSize];
            var filled = 0;
            await foreach (var item in items.WithCancellation(cancellationToken))
            {
                block[filled++] = item;
                if (filled == blockSize)
                {
                    await blocks.WriteAsync(block, cancellationToken);
                    block = new T[blockSize];
                    filled = 0;
                }
            }

            if (filled > 0)
            {
                Array.Resize(ref block, filled);
                await blocks.WriteAsync(block, cancellationToken);
            }
        }
        finally
        {
            blocks.Complete();
        }
    }
}
