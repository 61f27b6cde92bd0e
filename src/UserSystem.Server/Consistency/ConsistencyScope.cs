using UserSystem.Contracts;

namespace UserSystem.Server.Consistency;

/// <summary>
/// One call's consistency: the token it sent, where its reads may go, and the newest WAL position
/// its reads and writes saw. Set for the call by the consistency interceptor and flowed to the
/// store through the async context, so <c>IUserStore</c> keeps one signature for both engines;
/// outside a call (background work) there is none and everything goes to the primary.
/// </summary>
public sealed class ConsistencyScope(ConsistencyToken? requested, ReadPreference preference)
{
    private static readonly AsyncLocal<ConsistencyScope?> CurrentScope = new();

    private long _observed = (long)(requested?.Lsn ?? 0);

    /// <summary>The scope of the call running on this async flow, if any.</summary>
    public static ConsistencyScope? Current
    {
        get => CurrentScope.Value;
        set => CurrentScope.Value = value;
    }

    public ConsistencyToken? Requested { get; } = requested;

    public ReadPreference Preference { get; } = preference;

    /// <summary>The newest position seen: the requested one, raised by every read and write (never lowered).</summary>
    public ulong Observed => (ulong)Interlocked.Read(ref _observed);

    /// <summary>Records a position a read saw everything up to, or a write committed at or before.</summary>
    public void Observe(ulong lsn)
    {
        // Pages of one stream may be read concurrently with writes of the same call (ChatWithUsers).
        WalPositions.RaiseTo(ref _observed, lsn);
    }
}
