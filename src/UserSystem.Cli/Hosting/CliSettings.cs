namespace UserSystem.Cli.Hosting;

/// <summary>The global options in effect for one invocation.</summary>
public sealed record CliSettings(
    IReadOnlyList<Uri> Addresses,
    string? Token,
    string? CaPath,
    string? CertPath,
    string? KeyPath,
    OutputFormat Output,
    TimeSpan? Timeout,
    bool Verbose,
    bool AllowInsecureToken = false);
