using Grpc.Core;
using Microsoft.Extensions.Options;
using UserSystem.Server.Diagnostics;
using UserSystem.Server.Hosting;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>
/// Bounds a streaming call's life with one token: the caller's own cancellation, the server
/// stopping (the stream ends at once with <c>UNAVAILABLE</c>, so a stop does not wait on streams
/// that could run for hours; unary calls are left to finish) and
/// <c>Limits:MaxStreamDurationSeconds</c> (<c>DEADLINE_EXCEEDED</c>), so no stream holds server
/// resources forever: a client deadline can only shorten that, never extend it. The server's two
/// reasons wait for a call at its <see cref="StreamCommitPoint"/>: a batch that is committing, or a
/// chat's item in flight, is answered for real, and "retry the call" is said only when the call
/// stored nothing; an answer that a client stops reading waits at most
/// <c>Server:StreamAnswerTimeoutSeconds</c> once the call is ending. Innermost, so these statuses
/// pass through error mapping unchanged.
/// </summary>
public sealed class StreamLifetimeInterceptor(
    IHostApplicationLifetime lifetime, IOptions<LimitsOptions> limits, IOptions<ServerOptions> server, ILogger<StreamLifetimeInterceptor> logger)
    : ServerCallInterceptor
{
    private readonly TimeSpan _maxDuration = TimeSpan.FromSeconds(limits.Value.MaxStreamDurationSeconds);
    private readonly TimeSpan _answerTimeout = TimeSpan.FromSeconds(server.Value.StreamAnswerTimeoutSeconds);

    // A unary call passes straight through: no state machine of its own on every GetUser.
    protected override Task<TResult> InterceptAsync<TResult>(
        MethodType methodType, ServerCallContext context, Func<ServerCallContext, Task<TResult>> continuation) =>
        methodType == MethodType.Unary ? continuation(context) : BoundStreamAsync(context, continuation);

    private async Task<TResult> BoundStreamAsync<TResult>(ServerCallContext context, Func<ServerCallContext, Task<TResult>> continuation)
    {
        using var call = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        using var commitPoint = StreamCommitPoint.Attach(context, call, _answerTimeout);
        // A stop that has already begun ends the call at once (the callback runs on registration).
        using var onStopping = lifetime.ApplicationStopping.Register(static point => ((StreamCommitPoint)point!).End(StreamEnd.Shutdown), commitPoint);
        // A client deadline sooner than the maximum ends the call by itself (context.CancellationToken).
        using var cap = context.Deadline > DateTime.UtcNow + _maxDuration ? new CancellationTokenSource(_maxDuration) : null;
        using var onCap = cap?.Token.Register(static point => ((StreamCommitPoint)point!).End(StreamEnd.MaxDuration), commitPoint);

        try
        {
            return await continuation(new LinkedServerCallContext(context, context.GetHttpContext(), call.Token));
        }
        // The server's reason, even when the request was aborted meanwhile: an answer write that
        // timed out (a client that stopped reading) aborts it.
        catch (OperationCanceledException) when (commitPoint.EndedBy is { } end)
        {
            throw end == StreamEnd.Shutdown ? ShutdownStatus(context, commitPoint.Completed) : MaxDurationStatus(context, commitPoint.Completed);
        }
    }

    private RpcException ShutdownStatus(ServerCallContext context, int answered)
    {
        Log.StreamEndedByShutdown(logger, context.Method, context.GetRequestId());
        return new RpcException(new Status(StatusCode.Unavailable, answered == 0
            ? "The server is shutting down; retry the call."
            : $"The server is shutting down: every user answered on this call ({answered}) was created; send only the items that were not answered, on a new call."));
    }

    private RpcException MaxDurationStatus(ServerCallContext context, int answered)
    {
        var maxSeconds = (int)_maxDuration.TotalSeconds;
        AuditLog.StreamTooLong(logger, context.Method, maxSeconds, context.GetRequestId());
        var created = answered == 0 ? "" : $" Every user answered on this call ({answered}) was created; send only the items that were not answered.";
        return new RpcException(new Status(StatusCode.DeadlineExceeded,
            $"The stream ran for the server's maximum of {maxSeconds} s (Limits:MaxStreamDurationSeconds), which a client deadline cannot extend; reconnect to continue.{created}"));
    }
}
