namespace UserSystem.Server.Storage.Postgres;

/// <summary>
/// The users changed by this instance's commits that the next notification will name: commits
/// that happen while a notification is on its way add to the next one. Bounded: past
/// <see cref="MaxIds"/> the next notice says "everything" (e.g. after the database was away for a while).
/// </summary>
internal sealed class PendingChanges
{
    /// <summary>About 15 notifications' worth of ids; more becomes "everything".</summary>
    public const int MaxIds = 16_384;

    private readonly Lock _gate = new();
    private readonly HashSet<int> _ids = [];
    private bool _everything;

    public void Add(int userId)
    {
        lock (_gate)
        {
            AddLocked(userId);
        }
    }

    /// <summary>Takes what is pending, leaving nothing.</summary>
    public ChangeNotice Take()
    {
        lock (_gate)
        {
            var notice = _everything ? ChangeNotice.All : new ChangeNotice([.. _ids], false);
            _ids.Clear();
            _everything = false;
            return notice;
        }
    }

    /// <summary>Puts back a notice that may not have been sent: announcing a change twice does no harm.</summary>
    public void Return(ChangeNotice notice)
    {
        lock (_gate)
        {
            if (notice.Everything)
            {
                SetEverything();
                return;
            }

            foreach (var id in notice.UserIds)
            {
                AddLocked(id);
            }
        }
    }

    private void AddLocked(int userId)
    {
        if (!_everything && _ids.Add(userId) && _ids.Count > MaxIds)
        {
            SetEverything();
        }
    }

    private void SetEverything()
    {
        _everything = true;
        _ids.Clear();
    }
}
