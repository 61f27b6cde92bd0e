using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace UserSystem.Cli.Files;

/// <summary>
/// Reads users from CSV (a header row naming at least <c>name</c> and <c>email</c>; <c>age</c> and
/// <c>hobbies</c>, separated by ';', optional; other columns such as an export's <c>id</c> are
/// ignored) or JSON Lines (one object per line with the same names). Each record comes back as a
/// row or as a problem with its line number; rules are checked here too.
/// </summary>
public static class UserFileReader
{
    public static IAsyncEnumerable<(UserRow? Row, RowProblem? Problem)> ReadAsync(TextReader reader, UserFileFormat format, CancellationToken cancellationToken = default) =>
        format == UserFileFormat.Csv ? ReadCsvAsync(reader, cancellationToken) : ReadJsonLinesAsync(reader, cancellationToken);

    /// <summary>One line typed in chat: a JSON object, or CSV fields in the order name,email,age,hobbies.</summary>
    public static (UserRow? Row, RowProblem? Problem) ParseLine(int line, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.TrimStart().StartsWith('{'))
        {
            return Checked(ParseJson(line, text));
        }

        // The same RFC 4180 reader as import: quoted fields may hold commas and quotes.
        IReadOnlyList<string> fields;
        try
        {
            fields = CsvRecordReader.ReadAsync(new StringReader(text)).ToBlockingEnumerable().FirstOrDefault().Fields ?? [];
        }
        catch (FormatException)
        {
            return (null, new RowProblem(line, "a quoted field is not closed on this line"));
        }

        return fields.Count < 2
            ? (null, new RowProblem(line, "expected name,email[,age[,hobby;hobby]] or a JSON object"))
            : Checked(FromFields(line, fields[0], fields[1], fields.ElementAtOrDefault(2), fields.Count > 3 ? string.Join(',', fields.Skip(3)) : null));
    }

    private static async IAsyncEnumerable<(UserRow?, RowProblem?)> ReadCsvAsync(TextReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int name = -1, email = -1, age = -1, hobbies = -1;
        var header = true;
        await foreach (var (line, fields) in CsvRecordReader.ReadAsync(reader, cancellationToken))
        {
            if (header)
            {
                header = false;
                var columns = fields.Select(field => field.Trim().ToUpperInvariant()).ToList();
                (name, email, age, hobbies) = (columns.IndexOf("NAME"), columns.IndexOf("EMAIL"), columns.IndexOf("AGE"), columns.IndexOf("HOBBIES"));
                if (name < 0 || email < 0)
                {
                    yield return (null, new RowProblem(line, "the header row must name the columns 'name' and 'email' (and optionally 'age', 'hobbies')"));
                    yield break;
                }

                continue;
            }

            var needed = new[] { name, email, age, hobbies }.Max() + 1;
            if (fields.Count < needed)
            {
                yield return (null, new RowProblem(line, $"expected {needed} fields, found {fields.Count}"));
                continue;
            }

            yield return Checked(FromFields(
                line, CsvFormula.Restore(fields[name]), CsvFormula.Restore(fields[email]), age >= 0 ? fields[age] : null, hobbies >= 0 ? fields[hobbies] : null));
        }
    }

    private static async IAsyncEnumerable<(UserRow?, RowProblem?)> ReadJsonLinesAsync(TextReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var line = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            if (!string.IsNullOrWhiteSpace(text))
            {
                yield return Checked(ParseJson(line, text));
            }
        }
    }

    private static (UserRow?, RowProblem?) ParseJson(int line, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, new RowProblem(line, "expected a JSON object"));
            }

            var hobbies = root.TryGetProperty("hobbies", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(hobby => hobby.GetString() ?? string.Empty).ToArray()
                : [];
            var age = root.TryGetProperty("age", out var ageValue) && ageValue.ValueKind != JsonValueKind.Null ? ageValue.GetInt32() : 0;
            return (new UserRow(line, String(root, "name").Trim(), String(root, "email").Trim(), age, hobbies), null);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            return (null, new RowProblem(line, "not a valid JSON user: " + exception.Message));
        }

        static string String(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetString() ?? string.Empty : string.Empty;
    }

    private static (UserRow?, RowProblem?) FromFields(int line, string name, string email, string? age, string? hobbies)
    {
        var ageValue = 0;
        if (!string.IsNullOrWhiteSpace(age) && !int.TryParse(age.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out ageValue))
        {
            return (null, new RowProblem(line, $"age: '{age}' is not a whole number", email.Trim()));
        }

        // Export neutralizes each hobby (CsvFormula), so each is restored on its own.
        var hobbyList = (hobbies ?? string.Empty).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(CsvFormula.Restore).ToArray();
        return (new UserRow(line, name.Trim(), email.Trim(), ageValue, hobbyList), null);
    }

    private static (UserRow?, RowProblem?) Checked((UserRow? Row, RowProblem? Problem) parsed)
    {
        if (parsed.Row is not { } row)
        {
            return parsed;
        }

        var problems = UserRowRules.Check(row).ToArray();
        return problems.Length == 0 ? parsed : (null, new RowProblem(row.Line, string.Join("; ", problems), row.Email));
    }
}
