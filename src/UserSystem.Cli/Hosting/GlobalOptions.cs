using System.CommandLine;
using System.Globalization;

namespace UserSystem.Cli.Hosting;

/// <summary>
/// Options every command accepts. Each falls back to an environment variable when not given
/// (read at run time, so a token never shows up in --help).
/// </summary>
public sealed class GlobalOptions
{
    public const string DefaultAddress = "http://127.0.0.1:50051";

    public Option<string[]> Address { get; } = new("--address", "-a")
    {
        Description = $"Server address; repeat (or separate with commas) for round-robin over several [env: USERS_ADDRESS] [default: the profile's ('users login'), else {DefaultAddress}]",
        HelpName = "url",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string> Token { get; } = new("--token")
    {
        Description = "Bearer token sent as 'authorization: Bearer ...' [env: USERS_TOKEN] [default: the profile's ('users login')]",
        Recursive = true,
    };

    public Option<bool> InsecureToken { get; } = new("--insecure-token")
    {
        Description = "Send --token over http:// to a non-loopback address anyway (clear text!) [env: USERS_INSECURE_TOKEN=1]",
        Recursive = true,
    };

    public Option<string> Ca { get; } = new("--ca")
    {
        Description = "PEM file of the CA that signed the server certificate (https addresses) [env: USERS_CA]",
        HelpName = "file",
        Recursive = true,
    };

    public Option<string> Cert { get; } = new("--cert")
    {
        Description = "PEM client certificate for mutual TLS, with --key [env: USERS_CERT]",
        HelpName = "file",
        Recursive = true,
    };

    public Option<string> Key { get; } = new("--key")
    {
        Description = "PEM private key of --cert [env: USERS_KEY]",
        HelpName = "file",
        Recursive = true,
    };

    public Option<OutputFormat?> Output { get; } = new("--output", "-o")
    {
        Description = "table for people, json for scripts [env: USERS_OUTPUT] [default: table]",
        Recursive = true,
    };

    public Option<double?> Timeout { get; } = new("--timeout")
    {
        Description = "Deadline of each call in seconds [env: USERS_TIMEOUT] [default: 5 for single calls, none for streams, import, export, chat]",
        HelpName = "seconds",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Log every gRPC call (method, status, duration) to standard error",
        Recursive = true,
    };

    public IEnumerable<Option> All => [Address, Token, InsecureToken, Ca, Cert, Key, Output, Timeout, Verbose];

    /// <summary>The effective settings: command line first, then the environment, then defaults.</summary>
    public CliSettings Read(ParseResult parse, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(environment);
        // Options first, then the environment, then what `users login` saved, then defaults.
        var profile = CliProfile.Load(CliProfile.PathFrom(environment));
        var (addresses, addressSource) = parse.GetValue(Address) is { Length: > 0 } given ? (given, "--address")
            : environment("USERS_ADDRESS") is { } fromEnvironment ? ([fromEnvironment], "USERS_ADDRESS")
            : profile.Address is { } fromProfile ? ([fromProfile], "profile")
            : (new[] { DefaultAddress }, "default");
        var (token, tokenSource) = parse.GetValue(Token) is { } tokenOption ? (tokenOption, "--token")
            : environment("USERS_TOKEN") is { } tokenVariable ? (tokenVariable, "USERS_TOKEN")
            : (profile.Token, profile.Token is null ? null : "profile");
        return new CliSettings(
            [.. addresses.SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(ParseAddress)],
            token,
            parse.GetValue(Ca) ?? environment("USERS_CA"),
            parse.GetValue(Cert) ?? environment("USERS_CERT"),
            parse.GetValue(Key) ?? environment("USERS_KEY"),
            parse.GetValue(Output) ?? ParseEnvironment(environment("USERS_OUTPUT"), "USERS_OUTPUT", text => (OutputFormat?)Enum.Parse<OutputFormat>(text, ignoreCase: true)) ?? OutputFormat.Table,
            ToTimeout(parse.GetValue(Timeout) ?? ParseEnvironment(environment("USERS_TIMEOUT"), "USERS_TIMEOUT", text => (double?)double.Parse(text, CultureInfo.InvariantCulture))),
            parse.GetValue(Verbose),
            parse.GetValue(InsecureToken) || environment("USERS_INSECURE_TOKEN") is "1" or "true",
            addressSource,
            tokenSource);
    }

    /// <summary>Parses one address as the options take it (<c>host:port</c> means h2c).</summary>
    public static Uri ParseAddress(string value)
    {
        // "host:port" is accepted as h2c, the way grpcurl and the seed's clients take addresses.
        var text = value.Contains("://", StringComparison.Ordinal) ? value : "http://" + value;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new UsageException($"--address: '{value}' is not an http:// or https:// address.");
    }

    private static TimeSpan? ToTimeout(double? seconds) => seconds switch
    {
        null => null,
        > 0 and <= 86_400 => TimeSpan.FromSeconds(seconds.Value),
        _ => throw new UsageException($"--timeout: {seconds.Value.ToString(CultureInfo.InvariantCulture)} must be between 0 and 86400 seconds."),
    };

    private static T? ParseEnvironment<T>(string? text, string name, Func<string, T> parse)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return default;
        }

        try
        {
            return parse(text);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or OverflowException)
        {
            throw new UsageException($"{name}: '{text}' is not a valid value.", exception);
        }
    }
}
