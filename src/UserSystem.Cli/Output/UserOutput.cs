using System.Globalization;
using Spectre.Console;
using UserSystem.Cli.Hosting;
using UserSystem.Contracts;

namespace UserSystem.Cli.Output;

/// <summary>How users look to people: a table, or one line each. <see cref="ResultOutput"/> picks this or JSON.</summary>
public static class UserOutput
{
    public static void WriteTable(CliSession session, IEnumerable<User> users, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("ID", column => column.RightAligned())
            .AddColumn("Name")
            .AddColumn("Email")
            .AddColumn("Age", column => column.RightAligned())
            .AddColumn("Hobbies")
            .AddColumn("Status")
            .AddColumn("Etag");
        foreach (var user in users)
        {
            // The etag is what --etag takes, so a conditional change can be typed from the table.
            table.AddRow([.. Row(user).Select(value => new Text(value)), new Text(TerminalText.Neutralize(user.Etag))]);
        }

        if (caption is not null)
        {
            // A title is markup: escape it, so a bracket in it prints as itself.
            table.Caption(new TableTitle(Markup.Escape(caption)));
        }

        session.Out.Write(table);
    }

    /// <summary>A user as one plain line, for output that arrives one user at a time (stream, chat).</summary>
    public static string Line(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var cells = Row(user);
        // Cut to their columns, so every line keeps the same columns (the JSON output has the whole values).
        return string.Create(CultureInfo.InvariantCulture, $"{cells[0],6}  {TerminalText.Fit(cells[1], 24),-24} {TerminalText.Fit(cells[2], 32),-32} {cells[3],3}  {cells[5],-9} {cells[4]}").TrimEnd();
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
