using Grpc.Core;
using Microsoft.Extensions.Options;
using UserSystem.Server.Hosting;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>
/// Ends a streaming call that set no deadline after <c>Limits:MaxStreamDurationSeconds</c> with
/// <c>DEADLINE_EXCEEDED</c>, so a forgotten stream cannot hold server resources forever. A client
/// that sets its own deadline decides for itself.
/// </summary>
public sealed class StreamDurationInterceptor(IOptions<LimitsOptions> limits, ILogger<StreamDurationInterceptor> logger) : ServerCallInterceptor
{
    private readonly int _maxSeconds = limits.Value.MaxStreamDurationSeconds;

    protected override async Task<TResult> InterceptAsync<TResult>(
        MethodType methodType, ServerCallContext context, Func<ServerCallContext, Task<TResult>> continuation)
    {
        if (methodType == MethodType.Unary || context.Deadline != DateTime.MaxValue)
        {
            return await continuation(context);
        }

        using var timer = new CancellationTokenSource(TimeSpan.FromSeconds(_maxSeconds));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, timer.Token);
        try
        {
            return await continuation(new LinkedServerCallContext(context, context.GetHttpContext(), linked.Token));
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            AuditLog.StreamTooLong(logger, context.Method, _maxSeconds, context.GetRequestId());
            throw new RpcException(new Status(StatusCode.DeadlineExceeded,
                $"The stream ran for the server's maximum of {_maxSeconds} s (Limits:MaxStreamDurationSeconds) without a client deadline; set a deadline to stream longer."));
        }
    }
}
