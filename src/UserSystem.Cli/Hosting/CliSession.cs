using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using UserSystem.Client;
using UserSystem.Contracts;

namespace UserSystem.Cli.Hosting;

/// <summary>
/// One command's run: the clients (built by the client library from the global options), the
/// consoles to write to, and the call options that apply the --timeout choice.
/// </summary>
public sealed class CliSession : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public CliSession(CliHost host, CliSettings settings)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(settings);
        Host = host;
        Settings = settings;
        Out = CreateConsole(host.Out, host.IsInteractive);
        Error = CreateConsole(host.Error, host.IsInteractive);
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.ClearProviders();
            if (settings.Verbose)
            {
                // One line per call from the client library; grpc-dotnet's own debug lines (about 25
                // per call: resolver, balancer, HTTP/2 frames) only when they warn.
                logging.AddProvider(new WriterLoggerProvider(host.Error)).SetMinimumLevel(LogLevel.Debug)
                    .AddFilter("Grpc", LogLevel.Warning);
            }
        });
        services.AddUserSystemClient(options =>
        {
            foreach (var address in settings.Addresses)
            {
                options.Addresses.Add(address);
            }

            options.CaCertificatePath = settings.CaPath;
            options.ClientCertificatePath = settings.CertPath;
            options.ClientKeyPath = settings.KeyPath;
            options.UseToken(settings.Token);
            options.AllowTokenOverPlaintext = settings.AllowInsecureToken;
        });
        _services = services.BuildServiceProvider();
    }

    public CliHost Host { get; }

    public CliSettings Settings { get; }

    /// <summary>Results (tables, JSON) go to standard output.</summary>
    public IAnsiConsole Out { get; }

    /// <summary>Progress, summaries and errors go to standard error, so standard output stays parseable.</summary>
    public IAnsiConsole Error { get; }

    public bool Json => Settings.Output == OutputFormat.Json;

    public UserService.UserServiceClient Users => Resolve<UserService.UserServiceClient>();

    public Health.HealthClient Health => Resolve<Health.HealthClient>();

    /// <summary>A single call: --timeout, else the client library's default deadline.</summary>
    public CallOptions Call(CancellationToken cancellationToken) =>
        new(deadline: Settings.Timeout is { } timeout ? DateTime.UtcNow + timeout : null, cancellationToken: cancellationToken);

    /// <summary>A call that moves a whole table or runs until stopped: --timeout, else no deadline.</summary>
    public CallOptions LongCall(CancellationToken cancellationToken) =>
        new(deadline: Settings.Timeout is { } timeout ? DateTime.UtcNow + timeout : DateTime.MaxValue, cancellationToken: cancellationToken);

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private T Resolve<T>()
        where T : notnull
    {
        try
        {
            return _services.GetRequiredService<T>();
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException exception)
        {
            // The library names its option; here the same choice is the --insecure-token flag.
            throw new UsageException(string.Join(" ", exception.Failures).Replace("set AllowTokenOverPlaintext", "pass --insecure-token", StringComparison.Ordinal), exception);
        }
    }

    private static IAnsiConsole CreateConsole(TextWriter writer, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive)
        {
            // Redirected output has no width; keep rows on one line for grep and for tests.
            console.Profile.Width = 200;
        }

        return console;
    }
}
