namespace UserSystem.Server.Tests.Lifecycle;

/// <summary>The lifecycle RPCs on the embedded store (each server gets its own SQLite file).</summary>
public sealed class SqliteUserLifecycleRpcTests : UserLifecycleRpcTests
{
    protected override Task<string[]> StorageSettingsAsync() => Task.FromResult<string[]>([]);
}
