using Google.Protobuf;
using UserSystem.Cli.Hosting;
using UserSystem.Contracts;

namespace UserSystem.Cli.Output;

/// <summary>
/// The one way a command writes its result: with --output json the whole response as one line of
/// proto3 JSON (stable lowerCamelCase names, defaults included) for scripts; otherwise, for people,
/// the users it holds as a table, or one line of text. Text that comes from the server is
/// neutralized first, so no form prints a raw control character.
/// </summary>
public static class ResultOutput
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    /// <summary>
    /// JSON: <paramref name="message"/>. Table: <paramref name="users"/> with an optional
    /// <paramref name="caption"/> under it, then an optional <paramref name="footer"/> line.
    /// </summary>
    public static async Task WriteAsync(CliSession session, IMessage message, IEnumerable<User> users, string? caption = null, string? footer = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(users);
        if (session.Json)
        {
            await WriteJsonAsync(session, message);
            return;
        }

        UserOutput.WriteTable(session, users, caption is null ? null : TerminalText.Neutralize(caption));
        if (footer is not null)
        {
            await session.Host.Out.WriteLineAsync(TerminalText.Neutralize(footer));
        }
    }

    /// <summary>JSON: <paramref name="message"/>. Otherwise the line <paramref name="text"/> (e.g. one streamed user).</summary>
    public static Task WriteAsync(CliSession session, IMessage message, string text)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(message);
        return session.Json ? WriteJsonAsync(session, message) : session.Host.Out.WriteLineAsync(TerminalText.Neutralize(text));
    }

    /// <summary>One JSON document on one line. The formatter escapes control characters in strings.</summary>
    public static string Json(IMessage message) => Formatter.Format(message);

    // Past Spectre, straight to the writer, so a long document is never wrapped at the console width.
    private static Task WriteJsonAsync(CliSession session, IMessage message) => session.Host.Out.WriteLineAsync(Json(message));
}
