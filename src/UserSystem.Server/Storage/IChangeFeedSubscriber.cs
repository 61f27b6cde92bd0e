using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage;

/// <summary>
/// Something in this process that reacts to every change, whichever instance made it, through
/// the one <see cref="ChangeFeedFollower"/>. Calls come from that follower's loop, one at a time.
/// </summary>
public interface IChangeFeedSubscriber
{
    /// <summary>
    /// The feed is followed from <paramref name="position"/> on. <paramref name="afterGap"/>: it had
    /// stopped, and the changes made meanwhile were not seen.
    /// </summary>
    void Following(long position, bool afterGap);

    /// <summary>The feed is not followed until the next <see cref="Following"/>: the store failed (<paramref name="failure"/>) or the server stops.</summary>
    void Stopped(Exception? failure);

    /// <summary>A page of changes, in feed order.</summary>
    ValueTask OnChangesAsync(IReadOnlyList<UserEvent> changes);
}
