using System.Net.Security;
using Grpc.Core;
using Grpc.Net.Client;
using UserSystem.Contracts;

namespace UserSystem.Bench.LoadTool;

/// <summary>
/// One channel per address (more HTTP/2 connections open as streams fill up) and, per caller,
/// the client and headers it uses. No retries: every status the server answers is counted as it is.
/// </summary>
internal sealed class CallerPool : IDisposable
{
    private readonly GrpcChannel[] _channels;

    public CallerPool(LoadOptions options)
    {
        _channels = [.. options.Addresses.Select(address => GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = CreateHandler(options.Insecure),
            DisposeHttpClient = true,
            MaxRetryAttempts = 0,
        }))];
        Clients = [.. Enumerable.Range(0, options.Callers).Select(caller => new UserService.UserServiceClient(_channels[caller % _channels.Length]))];
        Headers = [.. Enumerable.Range(0, options.Callers).Select(caller => options.Tokens.Count == 0
            ? null
            : new Metadata { { "authorization", "Bearer " + options.Tokens[caller % options.Tokens.Count] } })];
    }

    public UserService.UserServiceClient[] Clients { get; }

    public Metadata?[] Headers { get; }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    private static SocketsHttpHandler CreateHandler(bool insecure)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        if (insecure)
        {
            // Opt-in for self-signed test servers only; the default validates the certificate.
#pragma warning disable CA5359
            handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true };
#pragma warning restore CA5359
        }

        return handler;
    }
}
