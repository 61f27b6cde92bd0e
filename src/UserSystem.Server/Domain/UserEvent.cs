namespace UserSystem.Server.Domain;

/// <summary>What happened to a user; stored by name in the events table.</summary>
public enum UserEventKind
{
    Created = 1,
    Updated = 2,
    StatusChanged = 3,
    Deleted = 4,
}

/// <summary>
/// One committed change, in commit order by <see cref="Sequence"/>: the audit log and the
/// change feed. <see cref="User"/> is the user as the change left it (for a delete: as it was).
/// </summary>
public sealed record UserEvent(
    long Sequence,
    UserEventKind Kind,
    int UserId,
    string? Actor,
    string? RequestId,
    DateTimeOffset Time,
    UserAccount User);
