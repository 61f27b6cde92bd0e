namespace UserSystem.Server.Tests.Storage;

/// <summary>A clock that reads what the test set, so a store can create users on chosen days.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
