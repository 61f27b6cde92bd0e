using System.Globalization;
using Google.Protobuf;
using UserSystem.Contracts;

namespace UserSystem.Cli.Files;

/// <summary>
/// Writes users as CSV (a header row, hobbies joined by ';') or JSON Lines (the proto3 JSON of each
/// user). CSV cells that a spreadsheet would run as a formula are neutralized (<see cref="CsvFormula"/>).
/// Both read back with <see cref="UserFileReader"/>, which ignores the server-owned columns.
/// </summary>
public sealed class UserFileWriter(TextWriter writer, UserFileFormat format)
{
    public const string CsvHeader = "id,name,email,age,hobbies,status,create_time,update_time";

    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public async Task WriteHeaderAsync()
    {
        if (format == UserFileFormat.Csv)
        {
            await writer.WriteLineAsync(CsvHeader);
        }
    }

    public Task WriteAsync(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (format == UserFileFormat.Jsonl)
        {
            return writer.WriteLineAsync(Json.Format(user));
        }

        string[] fields =
        [
            user.Id.ToString(CultureInfo.InvariantCulture),
            CsvFormula.Neutralize(user.Name),
            CsvFormula.Neutralize(user.Email),
            user.Age.ToString(CultureInfo.InvariantCulture),
            // Each hobby on its own: a spreadsheet whose list separator is ';' splits the cell there.
            string.Join(';', user.Hobbies.Select(CsvFormula.Neutralize)),
            user.Status.ToString().ToUpperInvariant(),
            user.CreateTime?.ToDateTime().ToString("O", CultureInfo.InvariantCulture) ?? string.Empty,
            user.UpdateTime?.ToDateTime().ToString("O", CultureInfo.InvariantCulture) ?? string.Empty,
        ];
        return writer.WriteLineAsync(string.Join(',', fields.Select(CsvRecordReader.Escape)));
    }
}
