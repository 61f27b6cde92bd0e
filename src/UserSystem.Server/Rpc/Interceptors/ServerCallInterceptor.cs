using Grpc.Core;
using Grpc.Core.Interceptors;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>
/// Funnels all four handler kinds (unary, client, server and duplex streaming) into one
/// method, so each concern is written once and cannot forget a call kind.
/// </summary>
public abstract class ServerCallInterceptor : Interceptor
{
    /// <summary>Runs around one call. <paramref name="continuation"/> may be given a different context.</summary>
    protected abstract Task<TResult> InterceptAsync<TResult>(
        MethodType methodType, ServerCallContext context, Func<ServerCallContext, Task<TResult>> continuation);

    public sealed override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        InterceptAsync(MethodType.Unary, context, callContext => continuation(request, callContext));

    public sealed override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        InterceptAsync(MethodType.ClientStreaming, context, callContext => continuation(requestStream, callContext));

    public sealed override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        InterceptAsync(MethodType.ServerStreaming, context, async callContext =>
        {
            await continuation(request, responseStream, callContext);
            return true;
        });

    public sealed override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        InterceptAsync(MethodType.DuplexStreaming, context, async callContext =>
        {
            await continuation(requestStream, responseStream, callContext);
            return true;
        });
}
