using Grpc.Core;
using UserSystem.Contracts;

namespace UserSystem.Server.Tests.HighAvailability;

/// <summary>
/// One WatchUsers subscriber on one instance, from the start of the history. When its stream
/// ends with an error it resumes after the last id it received, as a client should; it keeps
/// every event in the order received and every status that ended a stream.
/// </summary>
internal sealed class FeedWatcher(UserService.UserServiceClient client)
{
    private readonly List<UserEvent> _events = [];
    private readonly List<StatusCode> _endings = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    public IReadOnlyList<UserEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The status of each stream that ended before the watcher was stopped.</summary>
    public IReadOnlyList<StatusCode> Endings
    {
        get
        {
            lock (_endings)
            {
                return [.. _endings];
            }
        }
    }

    public void Start() => _running = Task.Run(WatchAsync);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
    }

    private async Task WatchAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var after = Events.Count == 0 ? 0 : Events[^1].EventId;
            try
            {
                using var call = client.WatchUsers(new WatchUsersRequest { SinceEventId = after }, cancellationToken: _stop.Token);
                await foreach (var change in call.ResponseStream.ReadAllAsync(_stop.Token))
                {
                    lock (_events)
                    {
                        _events.Add(change);
                    }
                }
            }
            catch (RpcException exception) when (!_stop.IsCancellationRequested)
            {
                lock (_endings)
                {
                    _endings.Add(exception.StatusCode);
                }

                await Task.Delay(200);
            }
            catch (Exception exception) when (_stop.IsCancellationRequested && exception is RpcException or OperationCanceledException)
            {
                return;
            }
        }
    }
}
