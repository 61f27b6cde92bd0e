namespace UserSystem.Server.Storage;

/// <summary>Where the event history ends now, as <see cref="IUserStore.GetEventLogEndAsync"/> reads it.</summary>
/// <param name="Readable">
/// The newest event a reader can be given now (0 if none): a watcher that starts "from now"
/// resumes after it and sees every later change, none before.
/// </param>
/// <param name="Committed">
/// The newest committed event (0 if none), even one the feed does not deliver yet; at least
/// <paramref name="Readable"/>. Above it only while PostgreSQL's horizon holds events back.
/// </param>
public readonly record struct EventLogEnd(long Readable, long Committed);
