using UserSystem.Cli.Hosting;
using UserSystem.Testing;

namespace UserSystem.Cli.Tests;

/// <summary>What one run of the `users` root command produced.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Runs the real root command with captured standard streams, as a script would (no terminal).</summary>
public static class CliRun
{
    public static Task<CliResult> RunAsync(TestServer server, params string[] args) =>
        RunAsync(["--address", server.GrpcAddress.ToString(), .. args], input: null, environment: null);

    public static async Task<CliResult> RunAsync(string[] args, string? input, IReadOnlyDictionary<string, string>? environment, TimeSpan? timeout = null, bool interactive = false)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var reader = new StringReader(input ?? string.Empty);
        var host = new CliHost(output, error, reader, IsInteractive: interactive, name => environment?.GetValueOrDefault(name));
        var exitCode = await UsersCli.RunAsync(args, host).WaitAsync(timeout ?? TaskTimeoutExtensions.Timeout);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
