using Grpc.Core;
using Microsoft.Extensions.Options;
using UserSystem.Server.Diagnostics;
using UserSystem.Server.Hosting;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>
/// Bounds a streaming call's life with one linked token: the caller's own cancellation, the
/// server stopping (the stream ends at once with <c>UNAVAILABLE</c>, so a stop does not wait on
/// streams that could run for hours; unary calls are left to finish) and
/// <c>Limits:MaxStreamDurationSeconds</c> (<c>DEADLINE_EXCEEDED</c>), so no stream holds server
/// resources forever: a client deadline can only shorten that, never extend it. Innermost, so these statuses pass
/// through error mapping unchanged.
/// </summary>
public sealed class StreamLifetimeInterceptor(IHostApplicationLifetime lifetime, IOptions<LimitsOptions> limits, ILogger<StreamLifetimeInterceptor> logger)
    : ServerCallInterceptor
{
    private readonly TimeSpan _maxDuration = TimeSpan.FromSeconds(limits.Value.MaxStreamDurationSeconds);

    protected override async Task<TResult> InterceptAsync<TResult>(
        MethodType methodType, ServerCallContext context, Func<ServerCallContext, Task<TResult>> continuation)
    {
        CallTrace.Mark(context.GetHttpContext(), CallTrace.StreamLifetime);
        if (methodType == MethodType.Unary)
        {
            return await continuation(context);
        }

        var stopping = lifetime.ApplicationStopping;
        // A client deadline sooner than the maximum ends the call by itself (context.CancellationToken).
        var bounded = context.Deadline > DateTime.UtcNow + _maxDuration;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        if (bounded)
        {
            linked.CancelAfter(_maxDuration);
        }

        try
        {
            return await continuation(new LinkedServerCallContext(context, context.GetHttpContext(), linked.Token));
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            if (stopping.IsCancellationRequested)
            {
                Log.StreamEndedByShutdown(logger, context.Method, context.GetRequestId());
                throw new RpcException(new Status(StatusCode.Unavailable, "The server is shutting down; retry the call."));
            }

            var maxSeconds = (int)_maxDuration.TotalSeconds;
            AuditLog.StreamTooLong(logger, context.Method, maxSeconds, context.GetRequestId());
            throw new RpcException(new Status(StatusCode.DeadlineExceeded,
                $"The stream ran for the server's maximum of {maxSeconds} s (Limits:MaxStreamDurationSeconds), which a client deadline cannot extend; reconnect to continue."));
        }
    }
}
