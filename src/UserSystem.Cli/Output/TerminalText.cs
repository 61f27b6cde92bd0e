using System.Globalization;
using System.Text;

namespace UserSystem.Cli.Output;

/// <summary>
/// Makes text from the server safe to print: control and format characters (Unicode Cc and Cf:
/// ESC sequences that drive the terminal, bidi overrides that reorder a line, zero-width
/// characters) are shown as visible <c>\u001B</c>-style escapes instead of acting on the terminal.
/// The server refuses them in names and hobbies; this covers older data and anything else it sends.
/// </summary>
public static class TerminalText
{
    public static string Neutralize(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value ?? string.Empty;
        }

        StringBuilder? builder = null;
        var index = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            var unsafeRune = Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format;
            if (unsafeRune)
            {
                builder ??= new StringBuilder(value.Length + 8).Append(value, 0, index);
                builder.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:X4}");
            }
            else
            {
                builder?.Append(rune.ToString());
            }

            index += rune.Utf16SequenceLength;
        }

        return builder?.ToString() ?? value;
    }

    /// <summary><paramref name="value"/> cut to <paramref name="width"/> characters, ending in "…" when cut.</summary>
    public static string Fit(string value, int width)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length <= width ? value : string.Concat(value.AsSpan(0, width - 1), "…");
    }
}
