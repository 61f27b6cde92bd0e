using Microsoft.Extensions.Options;

namespace UserSystem.Server.Hosting;

/// <summary>
/// A bad configuration is the server's most common first failure: report it as one line per bad
/// setting on standard error, not as the host's unhandled-exception stack trace.
/// </summary>
public static class ConfigurationErrors
{
    /// <summary>sysexits.h's EX_CONFIG: the process exits with it when a setting is invalid.</summary>
    public const int ExitCode = 78;

    /// <summary>Every failure carried by <paramref name="exception"/>, or none when it is not an options validation error.</summary>
    public static IReadOnlyList<string> FailuresOf(Exception exception) => exception switch
    {
        OptionsValidationException validation => [.. validation.Failures],
        AggregateException aggregate when aggregate.InnerExceptions.All(inner => inner is OptionsValidationException) =>
            [.. aggregate.InnerExceptions.SelectMany(inner => ((OptionsValidationException)inner).Failures)],
        _ => [],
    };

    /// <summary>Writes one line per failure and returns <see cref="ExitCode"/>.</summary>
    public static int Report(IReadOnlyList<string> failures, TextWriter error)
    {
        foreach (var failure in failures)
        {
            error.WriteLine($"Configuration error: {failure}");
        }

        error.WriteLine("The server did not start. Fix the settings above (appsettings.json, environment variables such as Limits__MaxPageSize, or --Section:Key=value arguments).");
        return ExitCode;
    }
}
