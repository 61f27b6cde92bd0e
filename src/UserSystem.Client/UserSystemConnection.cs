using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace UserSystem.Client;

/// <summary>
/// The client's one channel and the call pipeline on top of it (default deadlines, CreateUser
/// request ids, the consistency token, then call logging). Its own type, so registering it never collides with other gRPC clients' channels
/// in the same container.
/// </summary>
public sealed class UserSystemConnection : IDisposable
{
    public UserSystemConnection(UserSystemClientOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        Channel = UserSystemChannelFactory.Create(options, loggerFactory);
        // Intercept runs the last interceptor given first: deadlines, request ids and the token are
        // set before logging sees the call. All of them run once per logical call, above the
        // channel's retries (every attempt sends the same token).
        CallInvoker = Channel.Intercept(
            new ClientLoggingInterceptor(loggerFactory.CreateLogger<ClientLoggingInterceptor>()),
            ConsistencyTokens,
            new RequestIdInterceptor(),
            new DefaultDeadlineInterceptor(options.UnaryDeadline, options.StreamDeadline));
    }

    public GrpcChannel Channel { get; }

    /// <summary>This connection's newest consistency token (read-your-writes across instances and standbys).</summary>
    public ConsistencyTokenInterceptor ConsistencyTokens { get; } = new();

    /// <summary>What generated clients are built on: the channel with the library's interceptors.</summary>
    public CallInvoker CallInvoker { get; }

    public void Dispose() => Channel.Dispose();
}
