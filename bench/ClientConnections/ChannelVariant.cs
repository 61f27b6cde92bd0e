using Grpc.Net.Client;
using UserSystem.Client;
using UserSystem.Contracts;

namespace ClientConnections;

/// <summary>One way of sending calls: a set of clients handed out round-robin, and the channels behind them.</summary>
internal sealed class ChannelVariant : IDisposable
{
    private readonly GrpcChannel[] _channels;
    private readonly UserService.UserServiceClient[] _clients;
    private int _next = -1;

    private ChannelVariant(string name, GrpcChannel[] channels)
    {
        Name = name;
        _channels = channels;
        _clients = [.. channels.Select(channel => new UserService.UserServiceClient(channel))];
    }

    public string Name { get; }

    /// <summary>One channel, default handler: every call shares one HTTP/2 connection.</summary>
    public static ChannelVariant SingleConnection(Uri address) =>
        new("1 channel, 1 connection", [GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler(), DisposeHttpClient = true })]);

    /// <summary>The seed's approach: a pool of channels (one connection each) picked round-robin.</summary>
    public static ChannelVariant Pool(Uri address, int size) =>
        new($"pool of {size} channels", [.. Enumerable.Range(0, size).Select(_ => GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler(), DisposeHttpClient = true }))]);

    /// <summary>The client library's channel: one channel, more HTTP/2 connections opened as streams fill up.</summary>
    public static ChannelVariant Library(Uri address)
    {
        var options = new UserSystemClientOptions();
        options.Addresses.Add(address);
        return new("1 channel, multiple HTTP/2 connections (UserSystem.Client)", [UserSystemChannelFactory.Create(options)]);
    }

    public UserService.UserServiceClient NextClient() => _clients[(uint)Interlocked.Increment(ref _next) % _clients.Length];

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }
}
