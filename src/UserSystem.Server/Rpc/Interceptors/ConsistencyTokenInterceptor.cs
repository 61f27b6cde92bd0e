using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using UserSystem.Contracts;
using UserSystem.Server.Consistency;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>
/// Read-your-writes across instances and standbys: reads the <c>consistency-token</c> request
/// header (malformed, or from another database cluster: <c>INVALID_ARGUMENT</c> naming it), decides
/// where the call's reads may go, and answers the token of what the call saw in the response
/// header (a stream: with its first message, and the newest in its trailer). The store learns the call's token, and reports what it saw, through <see cref="ConsistencyScope"/>.
/// </summary>
/// <remarks>
/// Its own <see cref="Interceptor"/> rather than a <see cref="ServerCallInterceptor"/>: a stream's
/// header goes out with its first message, so the answer is added just before that write.
/// </remarks>
public sealed class ConsistencyTokenInterceptor(IConsistencySource source, IOptions<StandbyReadOptions> options) : Interceptor
{
    private static readonly string Service = "/" + UserService.Descriptor.FullName + "/";

    // The reads a standby may serve (GetUser only on a cache miss: see CachingUserStore). WatchUsers
    // stays on the primary: the change feed orders events by the primary's transaction horizon.
    private static readonly HashSet<string> StandbyReads = [Service + "ListUsers", Service + "StreamUsers", Service + "GetUserStats", Service + "GetUser"];

    // Reads without a token may go to a standby only by opt-in; GetUser keeps filling its cache from the primary.
    private static readonly HashSet<string> StaleReads = [Service + "ListUsers", Service + "StreamUsers", Service + "GetUserStats"];

    private readonly bool _stalenessAllowed = options.Value.MaxStalenessMilliseconds > 0;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var scope = Enter(context);
        var response = await continuation(request, context);
        Answer(context, scope);
        return response;
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var scope = Enter(context);
        var response = await continuation(requestStream, context);
        Answer(context, scope);
        return response;
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var scope = Enter(context);
        await continuation(request, new AnsweringWriter<TResponse>(responseStream, () => Answer(context, scope)), context);
        Answer(context, scope);
        AnswerAtEnd(context, scope);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var scope = Enter(context);
        await continuation(requestStream, new AnsweringWriter<TResponse>(responseStream, () => Answer(context, scope)), context);
        Answer(context, scope);
        AnswerAtEnd(context, scope);
    }

    private ConsistencyScope Enter(ServerCallContext context)
    {
        // From the HTTP request, not context.RequestHeaders: that copies every header of the call
        // (the bearer token included) into a Metadata collection, which cost about 3% of a GetUser.
        var requested = Parse(LastValue(context.GetHttpContext().Request.Headers[ConsistencyToken.Header]));
        var preference = requested is not null && StandbyReads.Contains(context.Method) ? ReadPreference.StandbyAtToken
            : requested is null && _stalenessAllowed && StaleReads.Contains(context.Method) ? ReadPreference.StandbyWithinStaleness
            : ReadPreference.Primary;
        var scope = new ConsistencyScope(requested, preference);
        ConsistencyScope.Current = scope;
        return scope;
    }

    // Metadata.GetValue answers the last of repeated entries; so does this.
    private static string? LastValue(Microsoft.Extensions.Primitives.StringValues values) => values.Count > 0 ? values[^1] : null;

    private ConsistencyToken? Parse(string? header)
    {
        if (header is null)
        {
            return null;
        }

        if (!ConsistencyToken.TryParse(header, out var token))
        {
            throw InvalidInputException.ForField(ConsistencyToken.Header, "is not a consistency token this service issued; send back the value a response carried, unchanged");
        }

        if (source.SystemId is { } systemId && token.SystemId != systemId)
        {
            throw InvalidInputException.ForField(ConsistencyToken.Header, "comes from another database cluster; drop it after switching to this service");
        }

        return token;
    }

    // Once per call: before the first message of a stream, else with the unary response or the end.
    private void Answer(ServerCallContext context, ConsistencyScope scope)
    {
        // Straight into the HTTP response headers, as grpc-dotnet keeps them (and JSON transcoding
        // answers them): WriteResponseHeadersAsync would flush them in a write of their own.
        var response = context.GetHttpContext().Response;
        if (source.SystemId is { } systemId && !response.HasStarted)
        {
            response.Headers[ConsistencyToken.Header] = new ConsistencyToken(systemId, scope.Observed).Format();
        }
    }

    // A stream's later messages may have seen more than its first: the trailer carries the newest.
    private void AnswerAtEnd(ServerCallContext context, ConsistencyScope scope)
    {
        if (source.SystemId is { } systemId)
        {
            context.ResponseTrailers.Add(ConsistencyToken.Header, new ConsistencyToken(systemId, scope.Observed).Format());
        }
    }

    private sealed class AnsweringWriter<T>(IServerStreamWriter<T> inner, Action answer) : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public Task WriteAsync(T message)
        {
            answer();
            return inner.WriteAsync(message);
        }

        public Task WriteAsync(T message, CancellationToken cancellationToken)
        {
            answer();
            return inner.WriteAsync(message, cancellationToken);
        }
    }
}
