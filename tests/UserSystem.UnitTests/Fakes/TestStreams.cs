using Grpc.Core;

namespace UserSystem.UnitTests.Fakes;

/// <summary>A request stream that yields the given messages.</summary>
internal sealed class TestRequestStream<T>(params T[] messages) : IAsyncStreamReader<T>
{
    private int _next = -1;

    public T Current => messages[_next];

    public Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(++_next < messages.Length);
    }
}

/// <summary>A response stream that keeps what the service writes; <paramref name="afterWrite"/> sees the count so far.</summary>
internal sealed class TestResponseStream<T>(Action<int>? afterWrite = null) : IServerStreamWriter<T>
{
    public List<T> Written { get; } = [];

    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

    public Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Written.Add(message);
        afterWrite?.Invoke(Written.Count);
        return Task.CompletedTask;
    }
}
