using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using UserSystem.Server.Observability;
using UserSystem.Server.Security;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>
/// Observes each call once and reports its final status three ways: the call-finished log line
/// (not for a successful change, whose audit line says it all), the audit line (who, what,
/// outcome, duration, request id; emails and tokens never) and the metrics (duration, calls in
/// flight; users created are counted where they are created, in the service). Outermost
/// interceptor, so it sees every status the others produce.
/// </summary>
public sealed class CallObserverInterceptor(UserSystemMetrics metrics, CallLogSampling sampling, ILoggerFactory loggers) : Interceptor
{
    // Health probes and reflection change nothing, are anonymous, and would drown the audit trail.
    private const string AuditedServicePrefix = "/user.";

    private readonly ILogger _calls = loggers.CreateLogger(CallLog.CallsCategory);
    private readonly ILogger _audit = loggers.CreateLogger(CallLog.AuditCategory);

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        ObserveAsync(context, () => continuation(request, context));

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        ObserveAsync(context, () => continuation(requestStream, context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        ObserveAsync(context, async () =>
        {
            await continuation(request, responseStream, context);
            return true;
        });

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        ObserveAsync(context, async () =>
        {
            await continuation(requestStream, responseStream, context);
            return true;
        });

    private async Task<TResult> ObserveAsync<TResult>(ServerCallContext context, Func<Task<TResult>> call)
    {
        var method = context.Method;
        var started = Stopwatch.GetTimestamp();
        metrics.CallStarted(method);
        var status = StatusCode.Unknown;
        try
        {
            var result = await call();
            status = StatusCode.OK;
            return result;
        }
        catch (RpcException exception)
        {
            status = exception.StatusCode;
            throw;
        }
        catch (OperationCanceledException)
        {
            status = StatusCode.Cancelled;
            throw;
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.CallEnded(method, status, elapsed);
            var successfulRead = status == StatusCode.OK && CallLog.IsRead(method);
            var audited = method.StartsWith(AuditedServicePrefix, StringComparison.Ordinal);
            // Health and reflection are anonymous: a line per call would let anyone fill the log.
            // Only a fault of the server's own is worth a line there.
            if ((audited || IsServerFault(status)) && (!successfulRead || sampling.KeepsSuccessfulRead()))
            {
                var successfulChange = audited && status == StatusCode.OK && !successfulRead;
                if (!successfulChange)
                {
                    CallLog.Finished(_calls, successfulRead, method, status, elapsed.TotalMilliseconds, context.GetRequestId());
                }

                if (audited)
                {
                    CallLog.Audit(_audit, successfulRead, context.GetCaller().Actor, method, status, elapsed.TotalMilliseconds, context.GetRequestId());
                }
            }
        }
    }

    private static bool IsServerFault(StatusCode status) => status is StatusCode.Internal or StatusCode.Unknown or StatusCode.DataLoss;
}
