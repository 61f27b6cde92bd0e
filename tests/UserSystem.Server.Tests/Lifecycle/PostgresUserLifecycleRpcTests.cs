using UserSystem.Testing;

namespace UserSystem.Server.Tests.Lifecycle;

/// <summary>The lifecycle RPCs on PostgreSQL (each server gets a fresh database).</summary>
public sealed class PostgresUserLifecycleRpcTests : UserLifecycleRpcTests
{
    protected override async Task<string[]> StorageSettingsAsync()
    {
        var server = await PostgresServer.GetAsync().DefaultTimeout();
        return ["Storage:Provider=Postgres", $"ConnectionStrings:Postgres={await server.CreateDatabaseAsync()}"];
    }
}
