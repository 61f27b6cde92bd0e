using Grpc.Core;
using Grpc.Core.Interceptors;
using UserSystem.Contracts;

namespace UserSystem.Client;

/// <summary>
/// Read-your-writes for one connection: keeps the newest <c>consistency-token</c> the server
/// answered (newest: the highest WAL position; concurrent calls may answer out of order) and sends
/// it with every call, so a read never sees older data than this connection's last write or read.
/// Response headers are read by the asynchronous calls; a blocking call sends the token but cannot
/// see its answer (grpc-dotnet gives it no headers).
/// </summary>
public sealed class ConsistencyTokenInterceptor : Interceptor
{
    private readonly Lock _gate = new();
    private ConsistencyToken? _newest;

    /// <summary>The newest token received, to hand to another connection or process (null before any answer).</summary>
    public string? Current
    {
        get
        {
            lock (_gate)
            {
                return _newest?.Format();
            }
        }
    }

    /// <summary>Takes a token received elsewhere (another connection, a web session) if it is newer than the one kept.</summary>
    public void Remember(string? token)
    {
        if (!ConsistencyToken.TryParse(token, out var parsed))
        {
            return;
        }

        lock (_gate)
        {
            // A token of another cluster replaces the old one: the server has moved, and would refuse the old one.
            if (_newest is not { } newest || newest.SystemId != parsed.SystemId || newest.Lsn < parsed.Lsn)
            {
                _newest = parsed;
            }
        }
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithToken(context));

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, WithToken(context));
        return new AsyncUnaryCall<TResponse>(
            RememberAfterAsync(call.ResponseAsync, call.ResponseHeadersAsync), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(WithToken(context));
        return new AsyncClientStreamingCall<TRequest, TResponse>(
            call.RequestStream, RememberAfterAsync(call.ResponseAsync, call.ResponseHeadersAsync), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, WithToken(context));
        return new AsyncServerStreamingCall<TResponse>(
            new RememberingReader<TResponse>(call.ResponseStream, call.ResponseHeadersAsync, call.GetTrailers, this),
            call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(WithToken(context));
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(
            call.RequestStream, new RememberingReader<TResponse>(call.ResponseStream, call.ResponseHeadersAsync, call.GetTrailers, this),
            call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    private ClientInterceptorContext<TRequest, TResponse> WithToken<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        var token = Current;
        if (token is null || context.Options.Headers?.Get(ConsistencyToken.Header) is not null)
        {
            // Nothing to send yet, or the caller sent a token of its own: theirs wins.
            return context;
        }

        var headers = new Metadata();
        foreach (var entry in context.Options.Headers ?? [])
        {
            headers.Add(entry);
        }

        headers.Add(ConsistencyToken.Header, token);
        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
    }

    private async Task<TResponse> RememberAfterAsync<TResponse>(Task<TResponse> response, Task<Metadata> headers)
    {
        var result = await response.ConfigureAwait(false);
        Remember((await headers.ConfigureAwait(false)).GetValue(ConsistencyToken.Header));
        return result;
    }

    // A stream's token comes with its first message, and the newest in its trailers at the end.
    private sealed class RememberingReader<T>(IAsyncStreamReader<T> inner, Task<Metadata> headers, Func<Metadata> trailers, ConsistencyTokenInterceptor tokens)
        : IAsyncStreamReader<T>
    {
        private bool _sawHeaders;

        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            var more = await inner.MoveNext(cancellationToken).ConfigureAwait(false);
            if (!_sawHeaders)
            {
                _sawHeaders = true;
                tokens.Remember((await headers.ConfigureAwait(false)).GetValue(ConsistencyToken.Header));
            }

            if (!more)
            {
                tokens.Remember(trailers().GetValue(ConsistencyToken.Header));
            }

            return more;
        }
    }
}
