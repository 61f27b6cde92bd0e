using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using UserSystem.Contracts;

namespace UserSystem.Bench.Watch;

/// <summary>
/// N <c>WatchUsers</c> streams from now on, as many browser tabs of different users would hold
/// them: a caller (token) per <see cref="WatchOptions.WatchersPerCaller"/> watchers, a channel
/// per <see cref="WatchOptions.WatchersPerConnection"/>. Each stream only stamps what arrives
/// (<see cref="Stopwatch.GetTimestamp"/> and the user id, into arrays of its own); the
/// latencies are computed after the run, so receiving stays cheap.
/// </summary>
internal sealed class WatcherSet : IAsyncDisposable
{
    private readonly GrpcChannel[] _channels;
    private readonly Watcher[] _watchers;
    private readonly CancellationTokenSource _stop;

    private WatcherSet(GrpcChannel[] channels, Watcher[] watchers, CancellationTokenSource stop)
    {
        _channels = channels;
        _watchers = watchers;
        _stop = stop;
    }

    public int Callers { get; private init; }

    public int Connections => _channels.Length;

    public IReadOnlyList<Watcher> Watchers => _watchers;

    /// <summary>Opens <paramref name="count"/> watchers; returns once every one has its response headers (the server writes them once the stream follows the feed).</summary>
    public static async Task<WatcherSet> OpenAsync(Uri address, int count, WatchOptions options, Func<int, string> tokenOfCaller, int expectedEvents)
    {
        var channels = Enumerable.Range(0, (count + options.WatchersPerConnection - 1) / options.WatchersPerConnection)
            .Select(_ => GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                // A stream over a connection's 100 would queue in the client; a second connection takes it instead.
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            }))
            .ToArray();
        var callers = (count + options.WatchersPerCaller - 1) / options.WatchersPerCaller;
        var bearers = Enumerable.Range(0, callers).Select(caller => new Metadata { { "authorization", "Bearer " + tokenOfCaller(caller) } }).ToArray();
        var stop = new CancellationTokenSource();
        var watchers = new Watcher[count];
        var set = new WatcherSet(channels, watchers, stop) { Callers = callers };
        try
        {
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (index, cancellationToken) =>
            {
                var client = new UserService.UserServiceClient(channels[index / options.WatchersPerConnection]);
                var call = client.WatchUsers(new WatchUsersRequest { FromNow = true }, bearers[index / options.WatchersPerCaller], cancellationToken: stop.Token);
                await call.ResponseHeadersAsync.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
                watchers[index] = Watcher.Start(call, expectedEvents);
            });
        }
        catch
        {
            await set.DisposeAsync();
            throw;
        }

        return set;
    }

    /// <summary>Waits until every watcher has <paramref name="events"/> events, a watcher has failed, or <paramref name="timeout"/> passes.</summary>
    public async Task WaitForAsync(int events, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (_watchers.Any(watcher => watcher.Received < events && watcher.Failure is null) && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var watcher in _watchers)
        {
            if (watcher is not null)
            {
                await watcher.DisposeAsync();
            }
        }

        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        _stop.Dispose();
    }
}

/// <summary>One stream: the user id and arrival stamp of each of the first events it receives.</summary>
internal sealed class Watcher : IAsyncDisposable
{
    private readonly AsyncServerStreamingCall<UserEvent> _call;
    private readonly int[] _userIds;
    private readonly long[] _arrivals;
    private Task _receiving = Task.CompletedTask;
    private int _received;

    private Watcher(AsyncServerStreamingCall<UserEvent> call, int capacity)
    {
        _call = call;
        _userIds = new int[capacity];
        _arrivals = new long[capacity];
    }

    public int Received => Volatile.Read(ref _received);

    /// <summary>How the stream ended before the run did (null while it runs or after a cancel of ours).</summary>
    public RpcException? Failure { get; private set; }

    public static Watcher Start(AsyncServerStreamingCall<UserEvent> call, int capacity)
    {
        var watcher = new Watcher(call, capacity);
        watcher._receiving = watcher.ReceiveAsync();
        return watcher;
    }

    /// <summary>The (user id, arrival timestamp) pairs recorded.</summary>
    public IEnumerable<(int UserId, long ArrivedAt)> Arrivals()
    {
        var count = Math.Min(Received, _userIds.Length);
        for (var i = 0; i < count; i++)
        {
            yield return (_userIds[i], _arrivals[i]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _receiving;
        _call.Dispose();
    }

    private async Task ReceiveAsync()
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(CancellationToken.None))
            {
                var arrived = Stopwatch.GetTimestamp();
                var index = _received;
                if (index < _userIds.Length)
                {
                    _userIds[index] = _call.ResponseStream.Current.UserId;
                    _arrivals[index] = arrived;
                }

                Volatile.Write(ref _received, index + 1);
            }
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.Cancelled)
        {
            // Our own cancel at the end of the run.
        }
        catch (RpcException exception)
        {
            Failure = exception;
        }
    }
}
