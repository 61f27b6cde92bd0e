using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using UserSystem.Server.Domain;
using UserSystem.Server.Hosting;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>
/// Fails a client-streaming call (a batch) whose request stream goes past
/// <c>Limits:MaxBatchSize</c> messages. The failure surfaces inside the handler's read, exactly
/// like an invalid item, so an all-or-nothing batch stores nothing.
/// </summary>
public sealed class BatchSizeInterceptor(IOptions<LimitsOptions> limits) : Interceptor
{
    private readonly int _maxBatchSize = limits.Value.MaxBatchSize;

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new CountingReader<TRequest>(requestStream, _maxBatchSize), context);

    private sealed class CountingReader<T>(IAsyncStreamReader<T> inner, int max) : IAsyncStreamReader<T>
    {
        private int _count;

        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await inner.MoveNext(cancellationToken))
            {
                return false;
            }

            if (++_count > max)
            {
                throw InvalidInputException.ForField("batch", $"holds more than the maximum of {max} items per call (Limits:MaxBatchSize); nothing was stored, split it into smaller batches");
            }

            return true;
        }
    }
}
