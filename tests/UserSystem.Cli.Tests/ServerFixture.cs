using UserSystem.Testing;

namespace UserSystem.Cli.Tests;

/// <summary>A fresh real server (own SQLite file, loopback ports) for each test.</summary>
public abstract class ServerTest : IAsyncLifetime
{
    protected TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    protected Task<CliResult> RunAsync(params string[] args) => CliRun.RunAsync(Server, args);

    protected Task<CliResult> RunWithInputAsync(string input, params string[] args) =>
        CliRun.RunAsync(["--address", Server.GrpcAddress.ToString(), .. args], input, environment: null);

    protected async Task<int> CreateUserAsync(string name, string? email = null, int age = 30)
    {
        var response = await Server.Client.CreateUserAsync(Users.NewRequest(name, email, age)).ResponseAsync.DefaultTimeout();
        return response.User.Id;
    }
}
