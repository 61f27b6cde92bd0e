using UserSystem.Testing;

namespace UserSystem.Cli.Tests;

/// <summary>What every CLI test class has: a real server to run the `users` command against, and helpers.</summary>
public abstract class CliTest
{
    protected abstract TestServer Server { get; }

    protected Task<CliResult> RunAsync(params string[] args) => CliRun.RunAsync(Server, args);

    protected Task<CliResult> RunWithInputAsync(string input, params string[] args) =>
        CliRun.RunAsync(["--address", Server.GrpcAddress.ToString(), .. args], input, environment: null);

    protected async Task<int> CreateUserAsync(string name, string? email = null, int age = 30)
    {
        var response = await Server.Client.CreateUserAsync(Users.NewRequest(name, email, age)).ResponseAsync.DefaultTimeout();
        return response.User.Id;
    }
}

/// <summary>
/// A fresh real server (own SQLite file, loopback ports) for each test: for tests that read the
/// store as a whole (lists, totals, streams, exports, the change history) or expect given ids.
/// </summary>
public abstract class ServerTest : CliTest, IAsyncLifetime
{
    private TestServer? _server;

    protected override TestServer Server => _server ?? throw new InvalidOperationException("The server starts in InitializeAsync.");

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>One real server for every test of a class; xunit runs a class's tests one at a time.</summary>
public sealed class SharedServer : IAsyncLifetime
{
    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("The server starts in InitializeAsync.");

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>
/// Tests that share one server per class (<see cref="SharedServer"/>) instead of starting one
/// each. Only for tests that act on the users they create themselves, by the ids the server
/// answered, and never count or list the whole store: what the other tests of the class stored
/// is still there.
/// </summary>
public abstract class SharedServerTest(SharedServer shared) : CliTest, IClassFixture<SharedServer>
{
    protected override TestServer Server => shared.Server;
}
