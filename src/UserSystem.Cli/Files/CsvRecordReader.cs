using System.Runtime.CompilerServices;
using System.Text;

namespace UserSystem.Cli.Files;

/// <summary>
/// RFC 4180 records (quoted fields, doubled quotes, line breaks inside quotes), each with the
/// line number it starts on, read as a stream so a file of any size needs constant memory.
/// </summary>
public static class CsvRecordReader
{
    public static async IAsyncEnumerable<(int Line, IReadOnlyList<string> Fields)> ReadAsync(TextReader reader, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lineNumber = 0;
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var recordStart = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (!inQuotes)
            {
                recordStart = lineNumber;
                if (line.Length == 0)
                {
                    continue;
                }
            }
            else
            {
                field.Append('\n');
            }

            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (inQuotes)
                {
                    if (c != '"')
                    {
                        field.Append(c);
                    }
                    else if (i + 1 < line.Length && line[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else if (c == '"' && field.Length == 0)
                {
                    inQuotes = true;
                }
                else if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else
                {
                    field.Append(c);
                }
            }

            if (inQuotes)
            {
                continue;
            }

            fields.Add(field.ToString());
            field.Clear();
            yield return (recordStart, fields.ToArray());
            fields.Clear();
        }

        if (inQuotes)
        {
            throw new FormatException($"line {recordStart}: a quoted field is not closed before the end of the file");
        }
    }

    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])))
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }
}
