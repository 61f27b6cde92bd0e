using UserSystem.Contracts;

namespace UserSystem.Testing;

/// <summary>
/// A test class whose every test gets its own real server (fresh SQLite file, loopback ports)
/// and a client for it.
/// </summary>
public abstract class ServerTestBase : IAsyncLifetime
{
    protected TestServer Server { get; private set; } = null!;

    protected UserService.UserServiceClient Client { get; private set; } = null!;

    /// <summary>Configuration overrides (<c>Section:Key=value</c>) for the server.</summary>
    protected virtual string[] ServerSettings => [];

    public virtual async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(databasePath: null, ServerSettings);
        Client = Server.Client;
    }

    public virtual async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>The number of stored users, as <c>ListUsers</c> reports it.</summary>
    protected async Task<int> CountUsersAsync() =>
        (await Client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout()).Total;
}
