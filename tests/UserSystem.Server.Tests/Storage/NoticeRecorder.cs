using System.Collections.Concurrent;
using UserSystem.Server.Storage;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Storage;

/// <summary>What a store's listener told its subscriber, in order: "listening", "not listening", "changed ID", "everything".</summary>
internal sealed class NoticeRecorder : IChangeNoticeSubscriber
{
    private readonly ConcurrentQueue<string> _events = new();

    public List<string> Events => [.. _events];

    public void NotListening() => _events.Enqueue("not listening");

    public void Listening() => _events.Enqueue("listening");

    public void Changed(IReadOnlyList<int> userIds)
    {
        foreach (var id in userIds)
        {
            _events.Enqueue($"changed {id}");
        }
    }

    public void EverythingChanged() => _events.Enqueue("everything");

    public void Clear() => _events.Clear();

    /// <summary>Waits until <paramref name="what"/> was heard; pair it with <c>DefaultTimeout()</c>.</summary>
    public Task WaitForAsync(string what) => Poll.UntilAsync(() => _events.Contains(what));
}
