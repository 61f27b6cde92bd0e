namespace UserSystem.Cli.Files;

/// <summary>
/// Spreadsheet formula injection (OWASP "CSV Injection"): a cell that starts with <c>=</c>,
/// <c>+</c>, <c>-</c>, <c>@</c>, tab or CR is run as a formula by Excel, LibreOffice and Sheets.
/// Export prefixes such a cell with a single quote, which spreadsheets show as text; import
/// removes exactly that prefix again, so an export reads back as the same users.
/// </summary>
public static class CsvFormula
{
    private const char Guard = '\'';

    public static bool StartsLikeFormula(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    public static string Neutralize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return StartsLikeFormula(value) ? Guard + value : value;
    }

    /// <summary>Undoes <see cref="Neutralize"/>: a quote followed by a formula character loses the quote.</summary>
    public static string Restore(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > 1 && value[0] == Guard && StartsLikeFormula(value[1..]) ? value[1..] : value;
    }
}
