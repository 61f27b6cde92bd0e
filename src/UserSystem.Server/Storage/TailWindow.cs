using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage;

/// <summary>
/// One immutable state of the <see cref="EventTail"/>: every event after <see cref="After"/>
/// through <see cref="Through"/>, in order, or nothing (closed: nobody reads, or the last read
/// failed).
/// </summary>
public sealed class TailWindow
{
    private readonly UserEvent[] _events;

    // Continuations must not run inline on the tail's reading loop: thousands of streams wait here.
    private readonly TaskCompletionSource _grown = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TailWindow(bool isOpen, long after, UserEvent[] events)
    {
        IsOpen = isOpen;
        After = after;
        _events = events;
    }

    public bool IsOpen { get; }

    /// <summary>The window holds every event with a sequence above this one.</summary>
    public long After { get; }

    /// <summary>The newest event read (or <see cref="After"/>).</summary>
    public long Through => _events.Length > 0 ? _events[^1].Sequence : After;

    /// <summary>Completes when a newer window replaces this one.</summary>
    public Task Grown => _grown.Task;

    public static TailWindow Closed() => new(false, long.MaxValue, []);

    public static TailWindow Open(long after) => new(true, after, []);

    /// <summary>
    /// Whether a stream at <paramref name="position"/> may take its events from here: every
    /// event after it is in this window or will be in a newer one.
    /// </summary>
    public bool Covers(long position) => IsOpen && position >= After;

    /// <summary>The events after <paramref name="position"/> (which <see cref="Covers"/>), in order.</summary>
    public ArraySegment<UserEvent> EventsAfter(long position)
    {
        // Sequences are increasing but not contiguous: find the first above the position.
        int low = 0, high = _events.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (_events[middle].Sequence <= position)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return new ArraySegment<UserEvent>(_events, low, _events.Length - low);
    }

    /// <summary>This window with <paramref name="events"/> (the next ones, in order) added, keeping the newest <paramref name="capacity"/>.</summary>
    public TailWindow Append(IReadOnlyList<UserEvent> events, int capacity)
    {
        var all = new UserEvent[_events.Length + events.Count];
        _events.CopyTo(all, 0);
        for (var i = 0; i < events.Count; i++)
        {
            all[_events.Length + i] = events[i];
        }

        var dropped = Math.Max(0, all.Length - capacity);
        return dropped == 0 ? new TailWindow(true, After, all) : new TailWindow(true, all[dropped - 1].Sequence, all[dropped..]);
    }

    internal void Grew() => _grown.TrySetResult();
}
