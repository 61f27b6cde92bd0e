using Grpc.Core;
using UserSystem.Server.Diagnostics;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>
/// Ends open streams promptly with <c>UNAVAILABLE</c> when the server begins to stop, so a
/// stop does not wait on streams that could run for hours; unary calls are left to finish.
/// </summary>
public sealed class StreamShutdownInterceptor(IHostApplicationLifetime lifetime, ILogger<StreamShutdownInterceptor> logger)
    : ServerCallInterceptor
{
    protected override async Task<TResult> InterceptAsync<TResult>(
        MethodType methodType, ServerCallContext context, Func<ServerCallContext, Task<TResult>> continuation)
    {
        if (methodType == MethodType.Unary)
        {
            return await continuation(context);
        }

        var stopping = lifetime.ApplicationStopping;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        try
        {
            return await continuation(new LinkedServerCallContext(context, context.GetHttpContext(), linked.Token));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            Log.StreamEndedByShutdown(logger, context.Method, context.GetRequestId());

            throw new RpcException(new Status(StatusCode.Unavailable, "The server is shutting down; retry the call."));
        }
    }
}
