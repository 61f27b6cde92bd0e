namespace UserSystem.Cli.Hosting;

/// <summary>
/// The global options in effect for one invocation; <see cref="AddressSource"/> and
/// <see cref="TokenSource"/> say where those two came from (an option, the environment, the profile).
/// </summary>
public sealed record CliSettings(
    IReadOnlyList<Uri> Addresses,
    string? Token,
    string? CaPath,
    string? CertPath,
    string? KeyPath,
    OutputFormat Output,
    TimeSpan? Timeout,
    bool Verbose,
    bool AllowInsecureToken = false,
    string AddressSource = "default",
    string? TokenSource = null);
