using System.Globalization;
using Google.Protobuf;
using Spectre.Console;
using UserSystem.Cli.Hosting;
using UserSystem.Contracts;

namespace UserSystem.Cli.Output;

/// <summary>How users look: a table for people, proto3 JSON (stable lowerCamelCase names, defaults included) for scripts.</summary>
public static class UserOutput
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    /// <summary>One JSON document on one line, written past Spectre so it is never wrapped.</summary>
    public static Task WriteJsonAsync(CliSession session, IMessage message)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Host.Out.WriteLineAsync(Formatter.Format(message));
    }

    public static void WriteTable(CliSession session, IEnumerable<User> users, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("ID", column => column.RightAligned())
            .AddColumn("Name")
            .AddColumn("Email")
            .AddColumn("Age", column => column.RightAligned())
            .AddColumn("Hobbies")
            .AddColumn("Status");
        foreach (var user in users)
        {
            table.AddRow(Row(user).Select(value => new Text(value)).ToArray());
        }

        if (caption is not null)
        {
            table.Caption(new TableTitle(caption));
        }

        session.Out.Write(table);
    }

    /// <summary>A user as one plain line, for output that arrives one user at a time (stream, chat).</summary>
    public static string Line(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var cells = Row(user);
        return string.Create(CultureInfo.InvariantCulture, $"{cells[0],6}  {cells[1],-24} {cells[2],-32} {cells[3],3}  {cells[5],-9} {cells[4]}").TrimEnd();
    }

    // Server text is neutralized here, so the table and the one-line forms never print a raw escape.
    private static string[] Row(User user) =>
    [
        user.Id.ToString(CultureInfo.InvariantCulture),
        TerminalText.Neutralize(user.Name),
        TerminalText.Neutralize(user.Email),
        user.Age.ToString(CultureInfo.InvariantCulture),
        TerminalText.Neutralize(string.Join(", ", user.Hobbies)),
        user.Status.ToString().ToUpperInvariant(),
    ];
}
