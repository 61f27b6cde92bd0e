using System.Globalization;
using Microsoft.AspNetCore.Connections;

namespace UserSystem.Server.Hosting;

/// <summary>
/// The start failures an operator meets and can fix (a port in use, a database that cannot be
/// opened): one line naming the problem and the setting that changes it, and a documented exit
/// code, instead of the host's stack traces. Anything else is a bug and keeps its stack trace.
/// </summary>
public static class StartupFailures
{
    /// <summary>sysexits.h's EX_UNAVAILABLE: something the server needs (a port, its database) is not available.</summary>
    public const int ExitCode = 69;

    /// <summary>The sentence for <paramref name="exception"/>, or null when it is not an expected start failure.</summary>
    public static string? Describe(Exception exception, ServerOptions? server)
    {
        if (Find<AddressInUseException>(exception) is not null && exception is IOException bind && BoundAddress(bind.Message) is { } address)
        {
            var setting = address.Port == server?.GrpcPort ? "Server:GrpcPort" : address.Port == server?.HttpPort ? "Server:HttpPort" : null;
            var remedy = setting is null
                ? "Stop that process or configure another port for this endpoint."
                : $"Stop that process or choose another port with {setting} (--{setting}=PORT, or the environment variable {setting.Replace(":", "__", StringComparison.Ordinal)}; 0 picks a free one).";
            return $"Port {address.Port.ToString(CultureInfo.InvariantCulture)} ({address.GetLeftPart(UriPartial.Authority)}) is already in use by another process. {remedy}";
        }

        return Find<StartupFailedException>(exception)?.Message;
    }

    /// <summary>Writes the sentence and what to do next; returns <see cref="ExitCode"/>.</summary>
    public static int Report(string sentence, TextWriter error)
    {
        error.WriteLine($"Start error: {sentence}");
        error.WriteLine("The server did not start.");
        return ExitCode;
    }

    // Kestrel names the address it could not bind: "Failed to bind to address http://127.0.0.1:50051: ...".
    private static Uri? BoundAddress(string message) =>
        message.Split(' ').Select(word => Uri.TryCreate(word.TrimEnd(':', '.'), UriKind.Absolute, out var address) ? address : null)
            .FirstOrDefault(address => address is { Port: > 0 });

    private static T? Find<T>(Exception? exception) where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T found)
            {
                return found;
            }

            if (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
            {
                return Find<T>(aggregate.InnerExceptions[0]);
            }
        }

        return null;
    }
}
