using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace UserSystem.Client;

/// <summary>
/// Logs every call when it ends (the seed's client interceptor): method, duration, and the status
/// when it failed. Streaming calls end when their response stream or response ends.
/// </summary>
public sealed class ClientLoggingInterceptor(ILogger<ClientLoggingInterceptor> logger) : Interceptor
{
    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = continuation(request, context);
            Succeeded(context.Method.FullName, started);
            return response;
        }
        catch (RpcException exception)
        {
            Failed(context.Method.FullName, started, exception);
            throw;
        }
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, context);
        return new AsyncUnaryCall<TResponse>(
            ObserveAsync(call.ResponseAsync, context.Method.FullName, Stopwatch.GetTimestamp()),
            call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(context);
        return new AsyncClientStreamingCall<TRequest, TResponse>(
            call.RequestStream, ObserveAsync(call.ResponseAsync, context.Method.FullName, Stopwatch.GetTimestamp()),
            call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, context);
        return new AsyncServerStreamingCall<TResponse>(
            new ObservedStreamReader<TResponse>(call.ResponseStream, this, context.Method.FullName),
            call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(context);
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(
            call.RequestStream, new ObservedStreamReader<TResponse>(call.ResponseStream, this, context.Method.FullName),
            call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    private async Task<TResponse> ObserveAsync<TResponse>(Task<TResponse> response, string method, long started)
    {
        try
        {
            var result = await response.ConfigureAwait(false);
            Succeeded(method, started);
            return result;
        }
        catch (RpcException exception)
        {
            Failed(method, started, exception);
            throw;
        }
    }

    private void Succeeded(string method, long started) =>
        ClientLog.CallSucceeded(logger, method, Stopwatch.GetElapsedTime(started).TotalMilliseconds);

    private void Failed(string method, long started, RpcException exception) =>
        ClientLog.CallFailed(logger, method, exception.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds, exception.Status.Detail);

    /// <summary>A response stream that logs once, when it ends or fails.</summary>
    private sealed class ObservedStreamReader<T>(IAsyncStreamReader<T> inner, ClientLoggingInterceptor owner, string method) : IAsyncStreamReader<T>
    {
        private readonly long _started = Stopwatch.GetTimestamp();
        private bool _logged;

        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            try
            {
                var more = await inner.MoveNext(cancellationToken).ConfigureAwait(false);
                if (!more && !_logged)
                {
                    _logged = true;
                    owner.Succeeded(method, _started);
                }

                return more;
            }
            catch (RpcException exception) when (!_logged)
            {
                _logged = true;
                owner.Failed(method, _started, exception);
                throw;
            }
        }
    }
}
