namespace UserSystem.Server.Storage;

/// <summary>
/// Hears which users changed as soon as the change commits on another instance, ahead of the
/// ordered change feed (which a long write transaction holds back): on PostgreSQL the
/// notification each instance sends after its commits names the changed users. SQLite sends no
/// notices and never calls this. Calls come from one listener, one at a time, and must not block.
/// </summary>
public interface IChangeNoticeSubscriber
{
    /// <summary>Notices may be missed from now until the next <see cref="Listening"/>: not listening yet, or the listener failed.</summary>
    void NotListening();

    /// <summary>Listening (again): every change that commits from now on is announced; earlier ones may not have been.</summary>
    void Listening();

    /// <summary>These users changed. Creates are not announced: nothing is known of a user that did not exist.</summary>
    void Changed(IReadOnlyList<int> userIds);

    /// <summary>More users changed than a notice names (or a notice could not be read): treat every user as changed.</summary>
    void EverythingChanged();
}
