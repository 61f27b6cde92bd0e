using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using UserSystem.Contracts;
using UserSystem.Server;

namespace UserSystem.Testing;

/// <summary>
/// The real server (the same composition as Program) on Kestrel, listening on loopback
/// ports picked by the OS, with its own SQLite file unless one is given.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory? _ownedDirectory;
    private readonly List<GrpcChannel> _channels = [];

    private TestServer(WebApplication app, string databasePath, TempDirectory? ownedDirectory)
    {
        _app = app;
        DatabasePath = databasePath;
        _ownedDirectory = ownedDirectory;
    }

    public string DatabasePath { get; }

    public Uri GrpcAddress { get; private set; } = null!;

    public Uri HttpAddress { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    public UserService.UserServiceClient Client => new(CreateChannel());

    /// <summary>Starts a server; <paramref name="settings"/> are configuration overrides (<c>Section:Key=value</c>).</summary>
    public static Task<TestServer> StartAsync(string? databasePath = null, params string[] settings) =>
        StartAsync(configure: null, databasePath, settings);

    /// <summary>As <see cref="StartAsync(string?, string[])"/>, with <paramref name="configure"/> run after the server's own registrations.</summary>
    public static async Task<TestServer> StartAsync(Action<WebApplicationBuilder>? configure, string? databasePath, params string[] settings)
    {
        var ownedDirectory = databasePath is null ? new TempDirectory() : null;
        databasePath ??= ownedDirectory!.File("users.db");
        string[] args =
        [
            "--Server:GrpcPort=0",
            "--Server:HttpPort=0",
            $"--Storage:Sqlite:Path={databasePath}",
            "--Logging:LogLevel:Default=Warning",
            // Development (the only environment that allows an open server): tests that check authentication
            // pass Auth:Mode=Jwt and a key; rate-limit tests pass small limits.
            "--environment=Development",
            "--Auth:Mode=None",
            "--RateLimit:TokensPerPeriod=100000",
            "--RateLimit:BurstLimit=100000",
            "--RateLimit:MaxConcurrentStreams=1000",
            .. settings.Select(setting => "--" + setting),
        ];
        var app = UserSystemServer.Build(args, configure);
        var server = new TestServer(app, databasePath, ownedDirectory);
        await app.StartAsync().DefaultTimeout();
        // Kestrel reports bound addresses in the order the endpoints were configured: gRPC, then HTTP.
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.ToArray();
        server.GrpcAddress = new Uri(addresses[0]);
        server.HttpAddress = new Uri(addresses[1]);
        return server;
    }

    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null)
    {
        var channel = GrpcChannel.ForAddress(GrpcAddress, options ?? new GrpcChannelOptions());
        _channels.Add(channel);
        return channel;
    }

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
        _ownedDirectory?.Dispose();
    }
}
