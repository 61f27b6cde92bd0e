using UserSystem.Validation;

namespace UserSystem.Server.Domain;

/// <summary>
/// The base of every expected failure of a user operation. The gRPC layer maps each
/// subtype to a status code in one place (<c>DomainErrorMapper</c>).
/// </summary>
public abstract class UserDomainException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>The input broke one or more rules.</summary>
public sealed class InvalidInputException(string message, IReadOnlyList<FieldViolation> violations)
    : UserDomainException(message)
{
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;

    public static InvalidInputException ForField(string field, string description) =>
        new($"{field} {description}", [new FieldViolation(field, description)]);
}

/// <summary>No user has the requested id.</summary>
public sealed class UserNotFoundException(int id) : UserDomainException($"User {id} was not found")
{
    public int Id { get; } = id;
}

/// <summary>The user exists but is suspended, so it may not be read.</summary>
public sealed class UserSuspendedException(int id) : UserDomainException($"User {id} is suspended")
{
    public int Id { get; } = id;
}

/// <summary>Another user already has this email (compared case-insensitively).</summary>
public sealed class DuplicateEmailException(int? batchPosition = null) : UserDomainException(
    batchPosition is { } position
        ? $"Batch item {position}: a user with this email already exists"
        : "A user with this email already exists")
{
    /// <summary>The 1-based position of the offending item when the create was part of a batch.</summary>
    public int? BatchPosition { get; } = batchPosition;
}

/// <summary>The caller's etag is not the user's current one: someone changed the user since it was read.</summary>
public sealed class StaleEtagException(int id)
    : UserDomainException($"User {id} has changed since it was read (etag mismatch); read it again and retry")
{
    public int Id { get; } = id;
}

/// <summary>
/// A watcher asked to resume after an event that is no longer kept (the event history is
/// bounded, see <c>Storage:Events</c>): events it has not seen are gone, so it must rebuild its
/// view from ListUsers and watch from now.
/// </summary>
public sealed class EventHistoryPrunedException(long afterSequence, long prunedThrough) : UserDomainException(
    $"Events up to {prunedThrough} are no longer kept, so the feed cannot resume after event {afterSequence}; " +
    "resynchronize from ListUsers and watch again from now (from_now)")
{
    public long AfterSequence { get; } = afterSequence;

    /// <summary>Every event with an id up to this one has been deleted.</summary>
    public long PrunedThrough { get; } = prunedThrough;
}

/// <summary>
/// A watcher asked to resume after an event the database no longer has, nor anything after it:
/// the history ends before an event that was delivered. Possible only if committed events were
/// lost (a failover to a standby that was behind, a restore from an older backup); resuming
/// would skip whatever replaces them, so the stream ends instead.
/// </summary>
public sealed class EventHistoryBehindException(long afterSequence, long newest) : UserDomainException(
    $"The event history ends at event {newest}, before event {afterSequence} that was already delivered: the database " +
    "has lost committed changes (a failover to a standby that was behind?); resynchronize from ListUsers and watch again from now (from_now)")
{
    public long AfterSequence { get; } = afterSequence;

    /// <summary>The newest event the database holds.</summary>
    public long Newest { get; } = newest;
}

/// <summary>A user changed themselves more often than <c>RateLimit:SelfChangesPerPeriod</c> allows in its period.</summary>
public sealed class SelfChangeLimitException(int id, int perPeriod, TimeSpan period) : UserDomainException(
    $"User {id} was changed by its owner {perPeriod} times within {period.TotalSeconds:0} s (RateLimit:SelfChangesPerPeriod, RateLimit:SelfChangePeriodSeconds); try again later or ask an admin")
{
    public int Id { get; } = id;
}

/// <summary>
/// A caller without the admin role asked for a user that is not theirs (or for one that does not
/// exist: the same answer, so ids cannot be probed).
/// </summary>
public sealed class NotOwnerException(int id) : UserDomainException("You may only access your own user; this needs the admin role.")
{
    public int Id { get; } = id;
}

/// <summary>A caller without the admin role tried to change their own email address (see <c>SelfServiceRules</c>).</summary>
public sealed class SelfEmailChangeException(int id) : UserDomainException(
    "Only an admin can change a user's email address; change it with your identity provider or ask an admin.")
{
    public int Id { get; } = id;
}
