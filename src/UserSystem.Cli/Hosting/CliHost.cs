namespace UserSystem.Cli.Hosting;

/// <summary>
/// Everything the CLI touches outside itself: the three standard streams, whether a person is
/// watching (a terminal) and the environment. Tests pass writers and a fake environment.
/// </summary>
public sealed record CliHost(TextWriter Out, TextWriter Error, TextReader In, bool IsInteractive, Func<string, string?> GetEnvironmentVariable)
{
    public static CliHost FromConsole() => new(
        Console.Out,
        Console.Error,
        Console.In,
        IsInteractive: !Console.IsOutputRedirected && !Console.IsErrorRedirected,
        Environment.GetEnvironmentVariable);
}
