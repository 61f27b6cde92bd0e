using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using UserSystem.Contracts;
using UserSystem.Server.Observability;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>
/// Records every call's duration by method and final status, the calls in flight, and the users
/// created (from <c>created_count</c>, or one per <c>ChatWithUsers</c> reply, which is a created user).
/// </summary>
public sealed class MetricsInterceptor(UserSystemMetrics metrics) : Interceptor
{
    private const string ChatWithUsersMethod = "/user.UserService/ChatWithUsers";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        MeasureAsync(context, () => continuation(request, context));

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        MeasureAsync(context, () => continuation(requestStream, context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        MeasureAsync(context, async () =>
        {
            await continuation(request, responseStream, context);
            return true;
        });

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        MeasureAsync(context, async () =>
        {
            var writer = context.Method == ChatWithUsersMethod ? new CreatedUsersWriter<TResponse>(responseStream, metrics) : responseStream;
            await continuation(requestStream, writer, context);
            return true;
        });

    private async Task<TResult> MeasureAsync<TResult>(ServerCallContext context, Func<Task<TResult>> call)
    {
        var started = Stopwatch.GetTimestamp();
        metrics.CallStarted(context.Method);
        return await CallOutcome.ObserveAsync(
            async () =>
            {
                var result = await call();
                if (result is CreateUserResponse created)
                {
                    metrics.UsersCreated(created.CreatedCount);
                }

                return result;
            },
            status => metrics.CallEnded(context.Method, status, Stopwatch.GetElapsedTime(started)));
    }

    private sealed class CreatedUsersWriter<T>(IServerStreamWriter<T> inner, UserSystemMetrics metrics) : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public async Task WriteAsync(T message)
        {
            await inner.WriteAsync(message);
            metrics.UsersCreated(1);
        }

        public async Task WriteAsync(T message, CancellationToken cancellationToken)
        {
            await inner.WriteAsync(message, cancellationToken);
            metrics.UsersCreated(1);
        }
    }
}
